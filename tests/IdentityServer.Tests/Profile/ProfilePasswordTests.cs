using System.Net;
using Iess.Identity.Tests.Infrastructure;

namespace Iess.Identity.Tests.Profile;

public sealed class ProfilePasswordTests : IAsyncLifetime
{
    private readonly IessServerFactory server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task ChangePassword_RevokesTheAppsRefreshTokens_KeepsThisBrowserSignedIn()
    {
        var refresh = await PublicClientTokens.RefreshTokenAsync(server.BaseAddress, SignInAnswers.Affiliate);
        using var browser = new FormClient(server.BaseAddress);
        await browser.SignInAsync(DemoAccounts.AffiliateCedula, DemoAccounts.AffiliatePassword);

        var wrong = await browser.SubmitAsync("/Profile/Password", Fields("clave-que-no-es", "Nueva-Clave-Pichincha-2027"));
        Assert.Contains("La clave actual no es correcta", await wrong.Content.ReadAsStringAsync());

        var changed = await browser.SubmitAsync("/Profile/Password", Fields(DemoAccounts.AffiliatePassword, "Nueva-Clave-Pichincha-2027"));

        Assert.Contains("Su clave fue cambiada", await changed.Content.ReadAsStringAsync());
        // Never redeemed before, so only the revocation can make it fail.
        Assert.Equal("invalid_grant", await PublicClientTokens.RefreshErrorAsync(server.BaseAddress, refresh));
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/Profile")).StatusCode);
    }

    private static Dictionary<string, string> Fields(string current, string replacement) => new()
    {
        ["Current"] = current, ["Password"] = replacement, ["Confirmation"] = replacement,
    };
}
