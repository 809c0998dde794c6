using Iess.Identity.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Iess.Identity.BrowserTests.Infrastructure;

/// <summary>
/// The whole system a person meets, started once for the browser tests: the IdentityServer, two IESS apps (A and
/// B), the officer console, and a headless Chromium (Debian's, as Playwright cannot download its own build here).
/// Each test opens its own browser context, so cookies never leak between tests.
/// </summary>
public sealed class BrowserSystemFixture : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    private IPlaywright? playwright;

    public IessServerFactory Server { get; } = new();

    public RelyingPartyApp AppA { get; private set; } = null!;

    public RelyingPartyApp AppB { get; private set; } = null!;

    public AdminConsoleFactory Admin { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: artifacts/browser beside the solution, or beside the test assembly.</summary>
    public static string ArtifactsFolder { get; } = FindArtifactsFolder();

    public string ServerUrl(string path) => new Uri(Server.BaseAddress, path).ToString();

    public async Task InitializeAsync()
    {
        // The apps' ports go into the server's client list, so the apps start first.
        AppA = await RelyingPartyApp.StartAsync("rp-a");
        AppB = await RelyingPartyApp.StartAsync("rp-b");
        var index = ClientRegistration.FirstTestIndex;
        var settings = AppA.ClientSettings(index++)
            .Concat(AppB.ClientSettings(index++))
            .Concat(ClientRegistration.Settings(
                index, AdminConsoleFactory.ClientId, AdminConsoleFactory.ClientSecret, Admin.BaseAddress,
                "openid", "profile", "iess.identity", "iess.admin", "offline_access"));
        foreach (var (key, value) in settings)
        {
            Server.WithSetting(key, value);
        }

        var authority = Server.BaseAddress;
        AppA.UseAuthority(authority);
        AppB.UseAuthority(authority);
        Admin.UseAuthority(authority);

        playwright = await Playwright.CreateAsync();
        Browser = await LaunchChromiumAsync(playwright);
    }

    /// <summary>Debian's headless Chromium (or the one <c>IESS_TEST_CHROMIUM</c> names).</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright)
    {
        // Expect(...) waits 5 s by default, actions 20 s (each context's default timeout): on a loaded 2-core CI machine
        // the page's own work (the CAPTCHA's proof of work, a redirect chain) can take longer than 5 s.
        Assertions.SetDefaultExpectTimeout(20_000);
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("IESS_TEST_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>A fresh browser (own cookies), at a phone's width when <paramref name="width"/> is given.</summary>
    public async Task<IBrowserContext> NewContextAsync(int? width = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = width is { } w ? new ViewportSize { Width = w, Height = 780 } : null,
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
        await Admin.DisposeAsync();
        await AppB.DisposeAsync();
        await AppA.DisposeAsync();
        await Server.DisposeAsync();
    }

    private static string FindArtifactsFolder()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "IessIdentity.sln")))
        {
            directory = directory.Parent;
        }

        var folder = Path.Combine(directory?.FullName ?? AppContext.BaseDirectory, "artifacts", "browser");
        Directory.CreateDirectory(folder);
        return folder;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserSystemCollection : ICollectionFixture<BrowserSystemFixture>
{
    public const string Name = "browser system";
}
