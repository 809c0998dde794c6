using System.Globalization;
using System.Net;
using Iess.Identity.Accounts;
using Iess.Identity.Data;
using Iess.Identity.Recovery;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Iess.Identity.Tests.Recovery;

/// <summary>
/// One real server shared by the recovery tests (they run one after another in <see cref="RecoveryCollection"/>):
/// SQLite, mail to a real SMTP server, SMS to a real HTTP gateway, and a <see cref="FakeTimeProvider"/> that a pump
/// moves with the wall clock (so the outbox dispatcher's timer ticks) and tests jump forward to cross expiries.
/// Flow limits per cédula and per address are raised so the many flows here do not hit them (FlowLimitTests covers them);
/// the daily SMS cap per phone is lowered to 2. Each test that changes an account uses its own affiliate.
/// </summary>
public sealed class RecoveryServerFixture : IAsyncLifetime
{
    public const int PhoneCapPerDay = 2;
    public const string InitialPassword = TestAffiliates.InitialPassword;
    public const string KnownDateOfBirth = TestAffiliates.KnownDateOfBirth;

    private readonly CancellationTokenSource stopPump = new();
    private Task pump = Task.CompletedTask;

    public TestSmtpServer Smtp { get; } = new();

    public TestSmsGateway Sms { get; private set; } = null!;

    /// <summary>Starts at the real now, so keys, cookies and tokens issued under it look ordinary.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public IessServerFactory Server { get; } = new();

    public async Task InitializeAsync()
    {
        Sms = await TestSmsGateway.StartAsync();
        foreach (var (key, value) in Smtp.AppSettings.Concat(Sms.AppSettings))
        {
            Server.WithSetting(key, value);
        }

        Server.WithSetting("Iess:Messaging:DispatchInterval", "00:00:00.100")
            .WithSetting("Iess:Recovery:MaxFlowsPerIdentifierPerDay", "1000")
            .WithSetting("Iess:Recovery:MaxFlowsPerIpPerHour", "10000")
            .WithSetting("Iess:Recovery:MaxSmsPerPhonePerDay", PhoneCapPerDay.ToString(CultureInfo.InvariantCulture))
            .WithServices(s => s.AddSingleton<TimeProvider>(Clock));
        _ = Server.BaseAddress;
        pump = Task.Run(async () =>
        {
            while (!stopPump.IsCancellationRequested)
            {
                await Task.Delay(50);
                Clock.Advance(TimeSpan.FromMilliseconds(50));
            }
        });
    }

    public async Task DisposeAsync()
    {
        await stopPump.CancelAsync();
        await pump;
        await Server.DisposeAsync();
        await Sms.DisposeAsync();
        await Smtp.DisposeAsync();
    }

    public FormClient Browser() => new(Server.BaseAddress);

    /// <summary>A new affiliate of its own (see <see cref="TestAffiliates.CreateAsync"/>), created at the fixture's clock.</summary>
    public Task<TestAffiliate> CreateAffiliateAsync(string cedula, string phone, int image = 17) =>
        TestAffiliates.CreateAsync(Server, cedula, phone, image, Clock.GetUtcNow());

    /// <summary>The flow row this browser's recovery cookie names, read fresh from the database.</summary>
    public async Task<AccountFlow> FlowOfAsync(FormClient browser)
    {
        await using var scope = Server.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
        var id = FlowIdOf(browser);
        return await db.AccountFlows.AsNoTracking().SingleAsync(f => f.Id == id);
    }

    public async Task<IessUser> UserAsync(string cedula)
    {
        await using var scope = Server.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
        var key = IessUser.AccountKey(AccountType.Affiliate, cedula);
        return await db.Users.AsNoTracking().SingleAsync(u => u.UserName == key);
    }

    public Guid FlowIdOf(FormClient browser)
    {
        var cookie = browser.Cookies.GetCookies(new Uri(Server.BaseAddress, "/Recovery/Know"))[FlowStore.Cookie(FlowKind.AffiliateRecovery).Name]
            ?? throw new InvalidOperationException("The browser has no recovery cookie.");
        return Guid.ParseExact(cookie.Value.Split('.')[0], "N");
    }

    /// <summary>Walks identify, date of birth and image for a known affiliate; the browser ends on the channel page.</summary>
    public static async Task ReachChannelAsync(RecoveryDriver recovery, string cedula, int image)
    {
        Assert.Equal("/Recovery/Know", RecoveryDriver.Location(await recovery.IdentifyAsync(cedula)));
        Assert.Equal("/Recovery/Image", RecoveryDriver.Location(await recovery.DateOfBirthAsync(KnownDateOfBirth)));
        Assert.Equal("/Recovery/Channel", RecoveryDriver.Location(await recovery.PickImageAsync(image)));
    }

    /// <summary>Posts a resend from the code page (its "Send" handler) for <paramref name="channel"/>.</summary>
    public static Task<HttpResponseMessage> ResendAsync(FormClient browser, string channel) =>
        browser.SubmitAsync("/Recovery/Code", new Dictionary<string, string> { ["channel"] = channel }, "/Recovery/Code?handler=Send");

    public static async Task<string> BodyAsync(HttpResponseMessage response)
    {
        var body = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return body;
    }
}

[CollectionDefinition(Name)]
public sealed class RecoveryCollection : ICollectionFixture<RecoveryServerFixture>
{
    public const string Name = "Recovery server";
}
