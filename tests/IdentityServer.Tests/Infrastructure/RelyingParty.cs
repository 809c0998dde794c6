using System.Security.Claims;
using Duende.IdentityModel.Client;
using Duende.IdentityModel.OidcClient;
using Duende.IdentityModel.OidcClient.Results;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Iess.Identity.Tests.Infrastructure;

/// <summary>An IESS app as the server sees it: Duende's OidcClient configured for one registered client.</summary>
public static class RelyingParty
{
    public const string SpaPostLogoutRedirectUri = "http://localhost:5003/";
    public const string WebPostLogoutRedirectUri = "http://localhost:5002/signout-callback-oidc";

    public static OidcClient Create(Uri server, string clientId, string? clientSecret, string redirectUri, string scope, string? postLogoutRedirectUri = null, bool pushedAuthorization = false) =>
        new(new OidcClientOptions
        {
            Authority = server.ToString().TrimEnd('/'),
            ClientId = clientId,
            ClientSecret = clientSecret,
            RedirectUri = redirectUri,
            PostLogoutRedirectUri = postLogoutRedirectUri,
            Scope = scope,
            LoadProfile = false,
            DisablePushedAuthorization = !pushedAuthorization,
            Policy = new Policy { Discovery = new DiscoveryPolicy { RequireHttps = false } },
            IdentityTokenValidator = new SignedIdentityTokenValidator(),
        });

    public static OidcClient Spa(Uri server, string scope = "openid profile email offline_access iess.identity") =>
        Create(server, DemoAccounts.PublicClientId, null, DemoAccounts.PublicRedirectUri, scope, SpaPostLogoutRedirectUri);

    public static OidcClient Web(Uri server, string scope = "openid profile email offline_access iess.identity") =>
        Create(server, DemoAccounts.ConfidentialClientId, DemoAccounts.ConfidentialClientSecret, DemoAccounts.ConfidentialRedirectUri, scope, WebPostLogoutRedirectUri);

    /// <summary>Checks the id_token as an app must: signature by a published key, issuer, audience, lifetime.</summary>
    private sealed class SignedIdentityTokenValidator : IIdentityTokenValidator
    {
        public async Task<IdentityTokenValidationResult> ValidateAsync(string identityToken, OidcClientOptions options, CancellationToken cancellationToken = default)
        {
            var keys = options.ProviderInformation.KeySet.Keys.Select(k => (SecurityKey)new Microsoft.IdentityModel.Tokens.JsonWebKey
            {
                Kty = k.Kty,
                Kid = k.Kid,
                Alg = k.Alg,
                Use = k.Use,
                E = k.E,
                N = k.N,
                X = k.X,
                Y = k.Y,
                Crv = k.Crv,
            }).ToList();
            var result = await new JsonWebTokenHandler().ValidateTokenAsync(identityToken, new TokenValidationParameters
            {
                ValidIssuer = options.ProviderInformation.IssuerName,
                ValidAudience = options.ClientId,
                IssuerSigningKeys = keys,
                NameClaimType = "name",
            });
            if (!result.IsValid)
            {
                return new IdentityTokenValidationResult { Error = "invalid_id_token: " + result.Exception?.Message };
            }

            var token = (JsonWebToken)result.SecurityToken;
            return new IdentityTokenValidationResult
            {
                User = new ClaimsPrincipal(new ClaimsIdentity(token.Claims, "oidc", "name", "role")),
                SignatureAlgorithm = token.Alg,
            };
        }
    }
}
