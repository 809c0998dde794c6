using System.Collections.Immutable;
using System.Globalization;
using System.Security.Claims;
using Iess.Identity.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Iess.Identity.Connect;

/// <summary>Builds the claims an account hands to an IESS app, by granted scope, and where each claim goes.</summary>
public sealed class IessClaims(UserManager<IessUser> users)
{
    /// <summary>The identity OpenIddict turns into tokens: <c>sub</c> is the opaque account id, never the cédula.</summary>
    public async Task<ClaimsIdentity> CreateIdentityAsync(IessUser user, ImmutableArray<string> scopes)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id);
        identity.AddClaims(ClaimsFor(user, scopes));

        if (scopes.Contains(IessScopes.Admin) && user.AccountType == AccountType.Officer)
        {
            identity.SetClaims(Claims.Role, [.. await users.GetRolesAsync(user)]);
        }

        identity.SetScopes(scopes);
        identity.SetDestinations(Destinations);
        return identity;
    }

    /// <summary>The claims of each granted scope; the userinfo endpoint returns the same set.</summary>
    public static IEnumerable<Claim> ClaimsFor(IessUser user, IEnumerable<string> scopes)
    {
        var granted = scopes.ToHashSet(StringComparer.Ordinal);
        if (granted.Contains(Scopes.Profile))
        {
            var name = user.DisplayName;
            if (!string.IsNullOrEmpty(name))
            {
                yield return new Claim(Claims.Name, name);
            }

            if (!string.IsNullOrEmpty(user.GivenNames))
            {
                yield return new Claim(Claims.GivenName, user.GivenNames);
            }

            if (!string.IsNullOrEmpty(user.FamilyNames))
            {
                yield return new Claim(Claims.FamilyName, user.FamilyNames);
            }

            if (user.DateOfBirth is { } dob)
            {
                yield return new Claim(Claims.Birthdate, dob.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }

            yield return new Claim(Claims.Locale, "es-EC");
        }

        if (granted.Contains(Scopes.Email) && !string.IsNullOrEmpty(user.Email))
        {
            yield return new Claim(Claims.Email, user.Email);
            yield return new Claim(Claims.EmailVerified, user.EmailConfirmed ? "true" : "false", ClaimValueTypes.Boolean);
        }

        if (granted.Contains(Scopes.Phone) && !string.IsNullOrEmpty(user.PhoneNumber))
        {
            yield return new Claim(Claims.PhoneNumber, user.PhoneNumber);
            yield return new Claim(Claims.PhoneNumberVerified, user.PhoneNumberConfirmed ? "true" : "false", ClaimValueTypes.Boolean);
        }

        if (granted.Contains(IessScopes.Identity))
        {
            yield return new Claim(IessScopes.IessIdClaim, user.IessId);
            yield return new Claim(IessScopes.AccountTypeClaim, user.AccountType.ToString().ToLowerInvariant());
            if (user.AccountType == AccountType.Employer)
            {
                yield return new Claim(IessScopes.BranchClaim, user.Branch ?? "");
                if (!string.IsNullOrEmpty(user.LegalRepresentativeCedula))
                {
                    yield return new Claim(IessScopes.LegalRepresentativeClaim, user.LegalRepresentativeCedula);
                }
            }
        }
    }

    private static IEnumerable<string> Destinations(Claim claim)
    {
        if (claim.Type == Claims.Role)
        {
            yield return OpenIddict.Abstractions.OpenIddictConstants.Destinations.AccessToken;
            yield break;
        }

        yield return OpenIddict.Abstractions.OpenIddictConstants.Destinations.AccessToken;
        yield return OpenIddict.Abstractions.OpenIddictConstants.Destinations.IdentityToken;
    }
}
