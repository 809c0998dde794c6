using System.Net;
using System.Text.RegularExpressions;
using Iess.Identity.Data;
using Iess.Identity.Recovery;
using Iess.Identity.Tests.Infrastructure;

namespace Iess.Identity.Tests.Recovery;

/// <summary>The email link is single-use, also under a race; run on PostgreSQL, where requests really run concurrently.</summary>
public sealed partial class LinkRedemptionTests(LinkRedemptionTests.PostgresRecoveryServer fixture) : IClassFixture<LinkRedemptionTests.PostgresRecoveryServer>
{
    [Fact]
    public async Task EmailLink_UsedTwice_SecondUseIsRefused()
    {
        var link = await RequestLinkAsync();
        using var first = new FormClient(fixture.Server.BaseAddress);
        Assert.Equal("/Recovery/Reset", RecoveryDriver.Location(await new RecoveryDriver(first).ConfirmLinkAsync(link)));

        using var second = new FormClient(fixture.Server.BaseAddress);
        var again = await new RecoveryDriver(second).ConfirmLinkAsync(link);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("no es válido o ya fue usado", WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync()));
        Assert.Equal("/Recovery", RecoveryDriver.Location(await second.Http.GetAsync("/Recovery/Reset")));
    }

    [Fact]
    public async Task EmailLink_TwentyParallelRedemptions_ExactlyOneReachesReset()
    {
        const int attackers = 20;
        var link = await RequestLinkAsync();
        var browsers = Enumerable.Range(0, attackers).Select(_ => new FormClient(fixture.Server.BaseAddress)).ToList();
        try
        {
            var query = System.Web.HttpUtility.ParseQueryString(link.Query);
            var forms = new List<FormUrlEncodedContent>();
            foreach (var browser in browsers)
            {
                var token = FormClient.AntiforgeryToken(await browser.Http.GetStringAsync(link.PathAndQuery))!;
                forms.Add(new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = token, ["flow"] = query["flow"]!, ["Token"] = query["token"]! }));
            }

            using var start = new Barrier(attackers);
            var posts = browsers.Select((browser, i) => Task.Run(async () =>
            {
                start.SignalAndWait();
                return await browser.Http.PostAsync(link.PathAndQuery, forms[i]);
            }));
            var responses = await Task.WhenAll(posts);

            Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Found, $"Unexpected {(int)r.StatusCode}"));
            Assert.Single(responses, r => RecoveryDriver.Location(r) == "/Recovery/Reset");
            var resetPages = await Task.WhenAll(browsers.Select(b => b.Http.GetAsync("/Recovery/Reset")));
            Assert.Single(resetPages, r => r.StatusCode == HttpStatusCode.OK);
        }
        finally
        {
            browsers.ForEach(b => b.Dispose());
        }
    }

    /// <summary>Walks the demo affiliate to the code page by email and returns the link from the mail that arrived.</summary>
    private async Task<Uri> RequestLinkAsync()
    {
        using var browser = new FormClient(fixture.Server.BaseAddress);
        var recovery = new RecoveryDriver(browser);
        await RecoveryServerFixture.ReachChannelAsync(recovery, DemoAccounts.AffiliateCedula, 6);
        var flowCookie = browser.Cookies.GetCookies(new Uri(fixture.Server.BaseAddress, "/Recovery/Code"))[FlowStore.Cookie(FlowKind.AffiliateRecovery).Name]!;
        var flowId = flowCookie.Value.Split('.')[0];
        Assert.Equal("/Recovery/Code", RecoveryDriver.Location(await recovery.ChooseChannelAsync("Email")));
        var mail = await fixture.Smtp.WaitForAsync(m => (m.TextBody ?? "").Contains("flow=" + flowId, StringComparison.Ordinal));
        return new Uri(LinkPattern().Match(mail.TextBody ?? "").Value);
    }

    [GeneratedRegex(@"http://\S+/Recovery/Link\?flow=[0-9a-f]{32}&token=[A-Za-z0-9_-]+")]
    private static partial Regex LinkPattern();

    /// <summary>The real server on PostgreSQL with mail to a real SMTP server. Without IESS_TEST_POSTGRES the tests fail.</summary>
    public sealed class PostgresRecoveryServer : IAsyncLifetime
    {
        public TestSmtpServer Smtp { get; } = new();

        public IessServerFactory Server { get; private set; } = null!;

        public Task InitializeAsync()
        {
            if (string.IsNullOrEmpty(IessServerFactory.PostgresServer))
            {
                throw new InvalidOperationException(
                    "IESS_TEST_POSTGRES is not set: the link race test needs a PostgreSQL server (e.g. Host=127.0.0.1;Port=54331;Username=postgres;Database=postgres). .ci/run starts one.");
            }

            Server = new IessServerFactory(DatabaseProvider.PostgreSql);
            foreach (var (key, value) in Smtp.AppSettings)
            {
                Server.WithSetting(key, value);
            }

            _ = Server.BaseAddress;
            return Task.CompletedTask;
        }

        public async Task DisposeAsync()
        {
            if (Server is not null)
            {
                await Server.DisposeAsync();
            }

            await Smtp.DisposeAsync();
        }
    }
}
