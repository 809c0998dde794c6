using Iess.Identity.Tests.Infrastructure;

namespace Iess.Identity.Tests.Connect;

public sealed class RefreshTokenReuseTests : IAsyncLifetime
{
    private readonly IessServerFactory server = new IessServerFactory().WithSetting("Iess:Connect:RefreshTokenReuseLeeway", "00:00:00");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task RotatedRefreshToken_ReusedAfterTheGraceWindow_IsRefusedAndRevokesTheWholeChain()
    {
        var app = RelyingParty.Spa(server.BaseAddress);
        using var browser = new BrowserlessSignIn(server.BaseAddress);
        var request = await app.PrepareLoginAsync();
        var login = await app.ProcessResponseAsync((await browser.AuthorizeAsync(request.StartUrl, DemoAccounts.PublicRedirectUri, SignInAnswers.Affiliate)).ToString(), request);
        Assert.False(login.IsError, login.Error);

        var second = await app.RefreshTokenAsync(login.RefreshToken);
        Assert.False(second.IsError, second.Error);
        var third = await app.RefreshTokenAsync(second.RefreshToken);
        Assert.False(third.IsError, third.Error);

        var stolen = await app.RefreshTokenAsync(login.RefreshToken);
        Assert.True(stolen.IsError);
        Assert.Equal("invalid_grant", stolen.Error);

        var newest = await app.RefreshTokenAsync(third.RefreshToken);
        Assert.True(newest.IsError, "The newest refresh token still works after a replay of an old one.");
        Assert.Equal("invalid_grant", newest.Error);
        using var http = new HttpClient();
        using var userInfo = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseAddress, "/connect/userinfo"));
        userInfo.Headers.Authorization = new("Bearer", third.AccessToken);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.SendAsync(userInfo)).StatusCode);
    }
}
