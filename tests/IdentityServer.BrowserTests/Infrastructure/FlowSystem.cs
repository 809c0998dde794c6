using Iess.Identity.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Iess.Identity.BrowserTests.Infrastructure;

/// <summary>
/// One test's own IdentityServer (flows change the demo affiliate's password, email and second factor, so no two
/// tests share one) with a real SMTP server receiving what MailKit sends and the stand-in SMS gateway.
/// </summary>
public sealed class FlowSystem : IAsyncDisposable
{
    private FlowSystem(TestSmtpServer mail, TestSmsGateway sms)
    {
        Mail = mail;
        Sms = sms;
    }

    public TestSmtpServer Mail { get; }

    public TestSmsGateway Sms { get; }

    public IessServerFactory Server { get; } = new();

    public static async Task<FlowSystem> StartAsync()
    {
        var system = new FlowSystem(new TestSmtpServer(), await TestSmsGateway.StartAsync());
        try
        {
            foreach (var (key, value) in system.Mail.AppSettings.Concat(system.Sms.AppSettings))
            {
                system.Server.WithSetting(key, value);
            }

            _ = system.Server.BaseAddress;
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    public string Url(string path) => new Uri(Server.BaseAddress, path).ToString();

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Sms.DisposeAsync();
        await Mail.DisposeAsync();
    }
}

/// <summary>Playwright and one headless Chromium shared by the flow tests, which run one after another.</summary>
public sealed class FlowBrowserFixture : IAsyncLifetime
{
    /// <summary>The narrowest phone the flows must work on; every flow runs at this width.</summary>
    public const int PhoneWidth = 360;

    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        playwright = await Playwright.CreateAsync();
        Browser = await BrowserSystemFixture.LaunchChromiumAsync(playwright);
    }

    /// <summary>A fresh browser (own cookies) as wide as a small phone.</summary>
    public async Task<IBrowserContext> NewPhoneContextAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = PhoneWidth, Height = 780 },
        });
        context.SetDefaultTimeout(20_000);
        return context;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class FlowBrowserCollection : ICollectionFixture<FlowBrowserFixture>
{
    public const string Name = "flow browser";
}
