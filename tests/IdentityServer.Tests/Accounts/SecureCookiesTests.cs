using System.Net;
using Iess.Identity.Tests.Infrastructure;

namespace Iess.Identity.Tests.Accounts;

public sealed class SecureCookiesTests
{
    private static async Task<string> SessionCookieAsync(IessServerFactory server)
    {
        using var response = await TestIds.PostLoginAsync(server, DemoAccounts.AffiliateCedula, DemoAccounts.AffiliatePassword);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("iess.session=", StringComparison.Ordinal)).ToLowerInvariant();
    }

    [Fact]
    public async Task SignIn_Development_SessionCookieHttpOnlyLaxAndUsableOverHttp()
    {
        await using var server = new IessServerFactory();

        var cookie = await SessionCookieAsync(server);

        Assert.Contains("httponly", cookie);
        Assert.Contains("samesite=lax", cookie);
        Assert.DoesNotContain("secure", cookie);
    }

    [Fact]
    public async Task SignIn_SecureCookiesOn_SessionCookieMarkedSecure()
    {
        await using var server = new IessServerFactory().WithSetting("Iess:Hosting:SecureCookies", "true");

        var cookie = await SessionCookieAsync(server);

        Assert.Contains("secure", cookie);
        Assert.Contains("httponly", cookie);
        Assert.Contains("samesite=lax", cookie);
    }
}
