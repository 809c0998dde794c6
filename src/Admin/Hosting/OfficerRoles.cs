using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Iess.Admin.Hosting;

/// <summary>The officer roles that may use the console, and how they reach the console's session.</summary>
public static class OfficerRoles
{
    public const string Administrator = "administrator";
    public const string Supervisor = "supervisor";
    public const string Helpdesk = "helpdesk";

    public const string RoleClaim = "role";
    public const string NameClaim = "name";

    /// <summary>The policy every page requires: a signed-in officer with at least one console role.</summary>
    public const string OfficerPolicy = "officer";

    public static readonly string[] All = [Administrator, Supervisor, Helpdesk];

    /// <summary>
    /// IdentityServer puts roles only in the access token, never in the id_token. The token arrived on the
    /// back channel straight from the token endpoint (and the API that consumes it validates it), so its
    /// payload is read here without validating it a second time.
    /// </summary>
    public static IEnumerable<Claim> FromAccessToken(string? accessToken, string issuer)
    {
        if (string.IsNullOrEmpty(accessToken))
        {
            return [];
        }

        var handler = new JsonWebTokenHandler();
        if (!handler.CanReadToken(accessToken))
        {
            return [];
        }

        return handler.ReadJsonWebToken(accessToken).Claims
            .Where(c => c.Type == RoleClaim && All.Contains(c.Value, StringComparer.Ordinal))
            .Select(c => new Claim(RoleClaim, c.Value, ClaimValueTypes.String, issuer))
            .ToList();
    }
}
