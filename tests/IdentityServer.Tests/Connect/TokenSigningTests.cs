using System.Security.Cryptography;
using System.Text.Json;
using Duende.IdentityModel.Client;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;

namespace Iess.Identity.Tests.Connect;

/// <summary>
/// Access tokens and the server's own tokens are signed ES256 with the EC key; identity tokens RS256; codes and refresh
/// tokens are sealed with the AES key. Each token is checked the way another IESS API or an app checks it: against the
/// published JWKS with Microsoft.IdentityModel.
/// </summary>
public sealed class TokenSigningTests(TokenSigningTests.Server server) : IClassFixture<TokenSigningTests.Server>
{
    private const string MachineClientId = "afiliacion-batch";
    private const string MachineSecret = "afiliacion-batch-secret-9c3e7a1f5b2d8046c7e1";

    private Uri Address => server.BaseAddress;

    private string KeyFolder => Path.Combine(server.Factory.Folder, "keys");

    [Fact]
    public async Task ClientCredentials_AccessToken_IsES256ByTheEcKey_AndValidatesAgainstThePublishedJwks()
    {
        var token = await MachineTokenAsync();

        var header = new JsonWebToken(token);
        Assert.Equal("ES256", header.Alg);
        var published = await PublishedKeyAsync(header.Kid);
        Assert.Equal(("EC", "P-256"), (published.Kty, published.Crv));
        using var ec = ECDsa.Create();
        ec.ImportFromPem(await File.ReadAllTextAsync(Path.Combine(KeyFolder, "signing-ec.pem")));
        var point = ec.ExportParameters(false).Q;
        Assert.Equal((Base64UrlEncoder.Encode(point.X), Base64UrlEncoder.Encode(point.Y)), (published.X, published.Y));

        var result = await ValidateAsync(token, audience: null);
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal(MachineClientId, result.ClaimsIdentity.FindFirst("sub")?.Value);
    }

    [Fact]
    public async Task CodeFlow_IdTokenIsRS256_AccessTokenES256_CodeAndRefreshTokenSealedWithAes_AndRotationKeepsThat()
    {
        var app = RelyingParty.Spa(Address);
        using var browser = new BrowserlessSignIn(Address);
        var request = await app.PrepareLoginAsync();
        var callback = await browser.AuthorizeAsync(request.StartUrl, DemoAccounts.PublicRedirectUri, SignInAnswers.Affiliate);

        var code = ConnectScenarios.Query(callback)["code"];
        Assert.Equal("ES256", await SealedInnerAlgorithmAsync(code));

        var login = await app.ProcessResponseAsync(callback.ToString(), request);
        Assert.False(login.IsError, login.Error + " " + login.ErrorDescription);
        Assert.Equal("RS256", new JsonWebToken(login.IdentityToken).Alg);
        Assert.Equal("RSA", (await PublishedKeyAsync(new JsonWebToken(login.IdentityToken).Kid)).Kty);
        var identity = await ValidateAsync(login.IdentityToken, DemoAccounts.PublicClientId);
        Assert.True(identity.IsValid, identity.Exception?.Message);
        Assert.Equal("ES256", new JsonWebToken(login.AccessToken).Alg);
        var access = await ValidateAsync(login.AccessToken, audience: null);
        Assert.True(access.IsValid, access.Exception?.Message);
        Assert.Equal("ES256", await SealedInnerAlgorithmAsync(login.RefreshToken));

        var userInfo = await ConnectScenarios.UserInfoAsync(Address, login.AccessToken);
        Assert.Equal(DemoAccounts.AffiliateCedula, userInfo.GetProperty("iess_id").GetString());

        var refreshed = await app.RefreshTokenAsync(login.RefreshToken);
        Assert.False(refreshed.IsError, refreshed.Error + " " + refreshed.ErrorDescription);
        Assert.NotEqual(login.RefreshToken, refreshed.RefreshToken);
        Assert.Equal("RS256", new JsonWebToken(refreshed.IdentityToken).Alg);
        Assert.True((await ValidateAsync(refreshed.IdentityToken, DemoAccounts.PublicClientId)).IsValid);
        Assert.Equal("ES256", new JsonWebToken(refreshed.AccessToken).Alg);
        Assert.Null(await PublicClientTokens.RefreshErrorAsync(Address, refreshed.RefreshToken));
    }

    [Fact]
    public async Task ES256AccessToken_IsActiveInIntrospection_UntilRevoked()
    {
        var token = await MachineTokenAsync();
        using var http = new HttpClient();
        var introspect = new TokenIntrospectionRequest
        {
            Address = new Uri(Address, "/connect/introspect").ToString(), ClientId = MachineClientId, ClientSecret = MachineSecret, Token = token,
        };

        Assert.True((await http.IntrospectTokenAsync(introspect)).IsActive);
        var revoked = await http.RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = new Uri(Address, "/connect/revoke").ToString(), ClientId = MachineClientId, ClientSecret = MachineSecret, Token = token,
        });
        Assert.False(revoked.IsError, revoked.Error);
        Assert.False((await http.IntrospectTokenAsync(introspect)).IsActive);
    }

    [Fact]
    public async Task Discovery_AdvertisesRS256ForIdentityTokens_AndTheJwksPublishesNoSecretKey()
    {
        using var http = new HttpClient { BaseAddress = Address };
        using var discovery = JsonDocument.Parse(await http.GetStringAsync("/.well-known/openid-configuration"));
        var algorithms = discovery.RootElement.GetProperty("id_token_signing_alg_values_supported").EnumerateArray().Select(a => a.GetString()).ToList();
        Assert.Contains("RS256", algorithms);

        var keys = new JsonWebKeySet(await http.GetStringAsync("/.well-known/jwks")).Keys;
        Assert.Equal(["EC", "RSA"], keys.Select(k => k.Kty).Order(StringComparer.Ordinal));
        Assert.All(keys, k => Assert.False(k.HasPrivateKey));
    }

    private async Task<string> MachineTokenAsync()
    {
        using var http = new HttpClient();
        var response = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = new Uri(Address, "/connect/token").ToString(), ClientId = MachineClientId, ClientSecret = MachineSecret,
        });
        Assert.False(response.IsError, response.Error + " " + response.ErrorDescription);
        return response.AccessToken!;
    }

    private async Task<JsonWebKey> PublishedKeyAsync(string kid)
    {
        using var http = new HttpClient { BaseAddress = Address };
        return Assert.Single(new JsonWebKeySet(await http.GetStringAsync("/.well-known/jwks")).Keys, k => k.Kid == kid);
    }

    /// <summary>Validates as a relying party would: the server's published keys, its issuer, and the audience if given.</summary>
    private async Task<TokenValidationResult> ValidateAsync(string token, string? audience)
    {
        using var http = new HttpClient { BaseAddress = Address };
        var keys = new JsonWebKeySet(await http.GetStringAsync("/.well-known/jwks"));
        return await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = await ConnectScenarios.IssuerAsync(Address),
            ValidateAudience = audience is not null,
            ValidAudience = audience,
            IssuerSigningKeys = keys.GetSigningKeys(),
        });
    }

    /// <summary>
    /// A code or refresh token is a JWE sealed with A256KW (kept in the database when the app only holds a reference to it);
    /// opened with the AES key file, the inner token's signature algorithm.
    /// </summary>
    private async Task<string> SealedInnerAlgorithmAsync(string token)
    {
        if (!token.Contains('.', StringComparison.Ordinal))
        {
            await using var scope = server.Factory.CreateScope();
            var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
            token = await tokens.GetPayloadAsync(await tokens.FindByReferenceIdAsync(token) ?? throw new InvalidOperationException("No such reference token."))
                ?? throw new InvalidOperationException("The reference token has no payload.");
        }

        var sealedToken = new JsonWebToken(token);
        Assert.Equal(("A256KW", "A256CBC-HS512"), (sealedToken.Alg, sealedToken.Enc));
        var key = Convert.FromBase64String((await File.ReadAllTextAsync(Path.Combine(KeyFolder, "encryption.key"))).Trim());
        var inner = new JsonWebTokenHandler().DecryptToken(sealedToken, new TokenValidationParameters { TokenDecryptionKeys = [new SymmetricSecurityKey(key)] });
        return new JsonWebToken(inner).Alg;
    }

    /// <summary>The development server (keys generated under its folder) with a machine client for client_credentials.</summary>
    public sealed class Server() : IessServerFixture(factory => factory
        .WithSetting("Iess:Clients:10:ClientId", MachineClientId)
        .WithSetting("Iess:Clients:10:ClientSecret", MachineSecret)
        .WithSetting("Iess:Clients:10:GrantTypes:0", "client_credentials"));
}
