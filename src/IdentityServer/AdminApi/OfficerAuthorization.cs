using Iess.Identity.Accounts;
using Iess.Identity.Audit;
using Iess.Identity.Connect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Iess.Identity.AdminApi;

/// <summary>Requires a bearer access token with <c>iess.admin</c> from an officer who holds at least <see cref="Minimum"/> now.</summary>
public sealed record OfficerRoleRequirement(string Minimum) : IAuthorizationRequirement;

/// <summary>The officer behind an admin API call, as checked against the database at the start of the call.</summary>
public sealed record Officer(string UserId, string IessId, string DisplayName, IReadOnlyList<string> Roles)
{
    public int Rank => OfficerRoles.Rank(Roles);

    public bool Has(string role) => Rank >= OfficerRoles.Rank([role]);

    /// <summary>The officer checked by <see cref="OfficerRoleHandler"/> for this request (every admin endpoint has one).</summary>
    public static Officer Of(HttpContext http) =>
        http.Items[typeof(Officer)] as Officer ?? throw new InvalidOperationException("The admin API endpoint has no officer; is it outside the /api/admin group?");
}

/// <summary>
/// Checks the scope in the token, then the account and its roles in the database: an officer who was locked,
/// demoted or turned into a non-officer loses access with their next call, not when the token expires.
/// </summary>
internal sealed class OfficerRoleHandler(UserManager<IessUser> users, IHttpContextAccessor accessor, AuditLog audit) : AuthorizationHandler<OfficerRoleRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, OfficerRoleRequirement requirement)
    {
        var http = accessor.HttpContext;
        if (http is null)
        {
            return;
        }

        if (await AllowsAsync(context, requirement, http))
        {
            context.Succeed(requirement);
            return;
        }

        // A token that authenticated but may not do this is an access-control failure worth an audit row (once per request).
        if (context.User.Identity?.IsAuthenticated == true && http.Items.TryAdd(typeof(OfficerRoleHandler), true))
        {
            var subject = context.User.GetClaim(Claims.Subject);
            await audit.WriteAsync("admin.api.denied", "denied", subject, subject, http, $"{http.Request.Method} {http.Request.Path} needs {requirement.Minimum}");
        }
    }

    private async Task<bool> AllowsAsync(AuthorizationHandlerContext context, OfficerRoleRequirement requirement, HttpContext http)
    {
        if (context.User.Identity?.IsAuthenticated != true || !context.User.HasScope(IessScopes.Admin))
        {
            return false;
        }

        if (http.Items[typeof(Officer)] is not Officer officer)
        {
            var subject = context.User.GetClaim(Claims.Subject);
            var user = subject is null ? null : await users.FindByIdAsync(subject);
            if (user is null || user.AccountType != AccountType.Officer || await users.IsLockedOutAsync(user))
            {
                return false;
            }

            var roles = (await users.GetRolesAsync(user)).Where(OfficerRoles.IsKnown).Order(StringComparer.Ordinal).ToList();
            officer = new Officer(user.Id, user.IessId, user.DisplayName, roles);
            http.Items[typeof(Officer)] = officer;
        }

        return officer.Has(requirement.Minimum);
    }
}
