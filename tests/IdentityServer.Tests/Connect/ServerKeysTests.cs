using System.Security.Cryptography;
using System.Text.Json;
using Iess.Identity.Tests.Infrastructure;

namespace Iess.Identity.Tests.Connect;

/// <summary>Key files as production configures them: what starts, what refuses to start and why, and nodes sharing keys.</summary>
public sealed class ServerKeysTests : IAsyncLifetime
{
    private readonly IessServerFactory server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Production_WithRsaEcAndAesKeyFiles_PublishesTheRsaAndEcKeysOnly()
    {
        Production(
            signing: [KeyFiles.Rsa(server.Folder, "signing.pem"), KeyFiles.Ec(server.Folder, "signing-ec.pem", ECCurve.NamedCurves.nistP256)],
            encryption: [KeyFiles.Aes(server.Folder, "encryption.key"), KeyFiles.Rsa(server.Folder, "encryption-old.pem")]);

        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var jwks = JsonDocument.Parse(await http.GetStringAsync("/.well-known/jwks"));
        var keys = jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kty").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(["EC", "RSA"], keys);
    }

    [Fact]
    public void Production_WithOnlyAnEcSigningKey_RefusesToStart_SayingIdentityTokensNeedRsa()
    {
        Production(
            signing: [KeyFiles.Ec(server.Folder, "signing-ec.pem", ECCurve.NamedCurves.nistP256)],
            encryption: [KeyFiles.Aes(server.Folder, "encryption.key")]);

        var error = Assert.ThrowsAny<Exception>(() => server.BaseAddress);
        Assert.Contains("None of the signing keys", Flatten(error));
        Assert.Contains("RS256", Flatten(error));
    }

    [Fact]
    public void Production_WithA128BitAesKey_RefusesToStart()
    {
        Production(
            signing: [KeyFiles.Rsa(server.Folder, "signing.pem")],
            encryption: [KeyFiles.Aes(server.Folder, "encryption.key", bits: 128)]);

        var error = Assert.ThrowsAny<Exception>(() => server.BaseAddress);
        Assert.Contains("holds a 128-bit key; an AES encryption key must be exactly 256 bits", Flatten(error));
    }

    [Fact]
    public void Production_WithAP384SigningKey_RefusesToStart()
    {
        Production(
            signing: [KeyFiles.Rsa(server.Folder, "signing.pem"), KeyFiles.Ec(server.Folder, "signing-ec.pem", ECCurve.NamedCurves.nistP384)],
            encryption: [KeyFiles.Aes(server.Folder, "encryption.key")]);

        var error = Assert.ThrowsAny<Exception>(() => server.BaseAddress);
        Assert.Contains("only P-256 (ES256) is supported", Flatten(error));
    }

    [Fact]
    public async Task TwoNodesWithTheSameKeyFiles_RedeemEachOthersRefreshTokens_AndANodeWithAnotherAesKeyCannot()
    {
        // One issuer for all three, as behind the proxy: only the keys differ.
        const string issuer = "http://identidad.iess.test/";
        server.WithSetting("Iess:Connect:Issuer", issuer);
        _ = server.BaseAddress;
        await using var other = new IessServerFactory()
            .WithSetting("Iess:Connect:Issuer", issuer)
            .WithSetting("Iess:Database:ConnectionString", server.ConnectionString)
            .WithSetting("Iess:Connect:DevelopmentKeyFolder", Path.Combine(server.Folder, "keys"));
        await using var stranger = new IessServerFactory()
            .WithSetting("Iess:Connect:Issuer", issuer)
            .WithSetting("Iess:Database:ConnectionString", server.ConnectionString);

        var first = await PublicClientTokens.RefreshTokenAsync(server.BaseAddress, SignInAnswers.Affiliate);
        Assert.Equal("invalid_grant", await PublicClientTokens.RefreshErrorAsync(stranger.BaseAddress, first));
        Assert.Null(await PublicClientTokens.RefreshErrorAsync(other.BaseAddress, first));
    }

    private void Production(string[] signing, string[] encryption)
    {
        server.EnvironmentName = "Production";
        server.WithSetting("Iess:Database:MigrateOnStart", "true").WithSetting("Iess:Connect:RequireHttps", "false");
        for (var i = 0; i < signing.Length; i++)
        {
            server.WithSetting($"Iess:Connect:SigningKeys:{i}:Path", signing[i]);
        }

        for (var i = 0; i < encryption.Length; i++)
        {
            server.WithSetting($"Iess:Connect:EncryptionKeys:{i}:Path", encryption[i]);
        }
    }

    private static string Flatten(Exception error) => error.InnerException is null ? error.Message : error.Message + " | " + Flatten(error.InnerException);
}
