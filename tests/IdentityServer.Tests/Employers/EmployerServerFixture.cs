using System.Net;
using System.Text.RegularExpressions;
using Iess.Identity.Accounts;
using Iess.Identity.Data;
using Iess.Identity.Employers;
using Iess.Identity.Recovery;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Iess.Identity.Tests.Employers;

/// <summary>
/// One real server shared by the employer tests (run one after another in <see cref="EmployerCollection"/>): SQLite,
/// mail to a real SMTP server and a <see cref="FakeTimeProvider"/> that a pump moves with the wall clock and tests
/// jump forward to cross expiries. Flow limits (per branch, per RUC, per address) are raised so the many flows here do not hit them
/// (<see cref="EmployerLimitTests"/> covers them). Each test that changes an account makes its own employer.
/// </summary>
public sealed class EmployerServerFixture : IAsyncLifetime
{
    public const string InitialPassword = "Clave-Inicial-Empresa-2026";

    private readonly CancellationTokenSource stopPump = new();
    private Task pump = Task.CompletedTask;

    public TestSmtpServer Smtp { get; } = new();

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public IessServerFactory Server { get; } = new();

    public Task InitializeAsync()
    {
        foreach (var (key, value) in Smtp.AppSettings)
        {
            Server.WithSetting(key, value);
        }

        Server.WithSetting("Iess:Messaging:DispatchInterval", "00:00:00.100")
            .WithSetting("Iess:Recovery:MaxFlowsPerIdentifierPerDay", "1000")
            .WithSetting("Iess:Recovery:MaxFlowsPerGroupPerDay", "100000")
            .WithSetting("Iess:Recovery:MaxFlowsPerIpPerHour", "10000")
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
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await stopPump.CancelAsync();
        await pump;
        await Server.DisposeAsync();
        await Smtp.DisposeAsync();
    }

    public FormClient Browser() => new(Server.BaseAddress);

    /// <summary>A new employer branch with a password and a verified corporate email, made through the app's UserManager.</summary>
    public async Task<TestEmployer> CreateEmployerAsync(int? image = null)
    {
        var ruc = EmployerIds.NewPrivateCompanyRuc();
        var employer = new TestEmployer(ruc, "0001", EmployerIds.NewCedula(), $"rrhh.{ruc}@example.ec");
        await using var scope = Server.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
        var user = new IessUser
        {
            AccountType = AccountType.Employer, IessId = ruc, Branch = employer.Branch, UserName = IessUser.AccountKey(AccountType.Employer, ruc, employer.Branch),
            BusinessName = "Flores del Valle S.A.", LegalRepresentativeCedula = employer.Representative, LegalRepresentativeName = "Jorge Andrade",
            Email = employer.Email, EmailConfirmed = true, CreatedAt = Clock.GetUtcNow(),
        };
        var created = await users.CreateAsync(user, InitialPassword);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        if (image is { } id)
        {
            await scope.ServiceProvider.GetRequiredService<SecurityProfile>().SetAsync(user, id, new Dictionary<int, string>
            {
                [4] = "Segundo", [7] = "Guamán", [11] = "Fanesca",
            });
        }

        return employer;
    }

    public async Task<IessUser> UserAsync(string ruc, string branch)
    {
        await using var scope = Server.CreateScope();
        var key = IessUser.AccountKey(AccountType.Employer, ruc, branch);
        return await scope.ServiceProvider.GetRequiredService<IessDbContext>().Users.AsNoTracking().SingleAsync(u => u.UserName == key);
    }

    /// <summary>The flow row this browser's cookie of <paramref name="kind"/> names, read fresh from the database.</summary>
    public async Task<AccountFlow> FlowOfAsync(FormClient browser, FlowKind kind)
    {
        var cookie = browser.Cookies.GetCookies(new Uri(Server.BaseAddress, "/Employer/Recovery"))[FlowStore.Cookie(kind).Name]
            ?? throw new InvalidOperationException("The browser has no employer flow cookie.");
        var id = Guid.ParseExact(cookie.Value.Split('.')[0], "N");
        await using var scope = Server.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IessDbContext>().AccountFlows.AsNoTracking().SingleAsync(f => f.Id == id);
    }

    /// <summary>The image that passes in a phantom flow for this branch (what an attacker would find by trying the grid).</summary>
    public Task<(bool HasImage, int ImageId)> PhantomProfileAsync(string ruc, string branch, int? registered = null) =>
        EmployerProbes.PhantomProfileAsync(Server, ruc, branch, registered);

    public async Task<MimeMessage> MailAsync(string to, string subjectPart, int index = 0)
    {
        await Smtp.WaitForAsync(m => Matches(m, to, subjectPart, index));
        return Smtp.Received.Where(m => Matches(m, to, subjectPart, 0)).ElementAt(index);
    }

    public int MailCount(string to) => Smtp.Received.Count(m => m.To.Mailboxes.Any(b => b.Address == to));

    private bool Matches(MimeMessage message, string to, string subjectPart, int index) =>
        message.To.Mailboxes.Any(b => b.Address == to) && (message.Subject ?? "").Contains(subjectPart, StringComparison.Ordinal) &&
        Smtp.Received.Count(m => m.To.Mailboxes.Any(b => b.Address == to) && (m.Subject ?? "").Contains(subjectPart, StringComparison.Ordinal)) > index;
}

/// <summary>An employer branch a test created for itself.</summary>
public sealed record TestEmployer(string Ruc, string Branch, string Representative, string Email);

[CollectionDefinition(Name)]
public sealed class EmployerCollection : ICollectionFixture<EmployerServerFixture>
{
    public const string Name = "Employer server";
}

/// <summary>Walks the employer pages like a browser: solves the proof-of-work CAPTCHA and posts each step's form.</summary>
public sealed partial class EmployerDriver(FormClient browser, string root = "/Employer/Recovery")
{
    public FormClient Browser => browser;

    public async Task<HttpResponseMessage> IdentifyAsync(string ruc, string branch, string representative) =>
        await browser.SubmitAsync(root, new Dictionary<string, string>
        {
            ["Ruc"] = ruc, ["Branch"] = branch, ["Representative"] = representative, ["altcha"] = await RecoveryDriver.SolveCaptchaAsync(browser),
        });

    public Task<HttpResponseMessage> PickImageAsync(int id) =>
        browser.SubmitAsync(root + "/Image", new Dictionary<string, string> { ["Picked"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    public Task<HttpResponseMessage> CodeAsync(string code) => browser.SubmitAsync(root + "/Code", new Dictionary<string, string> { ["Code"] = code });

    public Task<HttpResponseMessage> ResetAsync(string password) =>
        browser.SubmitAsync(root + "/Reset", new Dictionary<string, string> { ["Password"] = password, ["Confirmation"] = password });

    public async Task<HttpResponseMessage> ConfirmLinkAsync(Uri link)
    {
        var query = System.Web.HttpUtility.ParseQueryString(link.Query);
        return await browser.SubmitAsync(link.PathAndQuery, new Dictionary<string, string> { ["flow"] = query["flow"]!, ["Token"] = query["token"]! }, link.PathAndQuery);
    }

    public static string Location(HttpResponseMessage response) => RecoveryDriver.Location(response);

    public static string Code(MimeMessage mail) => CodePattern().Match(mail.TextBody ?? "").Groups[1].Value;

    public static Uri Link(MimeMessage mail) => new(LinkPattern().Match(mail.TextBody ?? "").Value);

    public static async Task<string> BodyAsync(HttpResponseMessage response)
    {
        var body = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return body;
    }

    [GeneratedRegex(@"código de verificación es: (\d{6})")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"http://\S+/Employer/Recovery/Link\?flow=[0-9a-f]{32}&token=[A-Za-z0-9_\-]+")]
    private static partial Regex LinkPattern();
}

/// <summary>Valid, unused identifiers of each kind (check digits computed), unique within a test run.</summary>
public static class EmployerIds
{
    private static int next = Random.Shared.Next(1000, 90000);

    public static string NewCedula()
    {
        while (true)
        {
            var serial = Interlocked.Increment(ref next);
            var body = $"17{serial % 6}{serial:000000}";
            var sum = 0;
            for (var i = 0; i < 9; i++)
            {
                var product = (body[i] - '0') * (i % 2 == 0 ? 2 : 1);
                sum += product > 9 ? product - 9 : product;
            }

            var cedula = body + ((10 - (sum % 10)) % 10);
            if (Cedula.TryParse(cedula, out _))
            {
                return cedula;
            }
        }
    }

    public static string NewNaturalPersonRuc() => NewCedula() + "001";

    public static string NewPrivateCompanyRuc() => WithCheckDigit("179", 6, [4, 3, 2, 7, 6, 5, 4, 3, 2], "001");

    public static string NewPublicEntityRuc() => WithCheckDigit("176", 5, [3, 2, 7, 6, 5, 4, 3, 2], "0001");

    private static string WithCheckDigit(string prefix, int serialDigits, int[] weights, string suffix)
    {
        while (true)
        {
            var serial = Interlocked.Increment(ref next);
            var body = prefix + (serial % (int)Math.Pow(10, serialDigits)).ToString(new string('0', serialDigits), System.Globalization.CultureInfo.InvariantCulture);
            var sum = 0;
            for (var i = 0; i < weights.Length; i++)
            {
                sum += (body[i] - '0') * weights[i];
            }

            var check = (11 - (sum % 11)) % 11;
            if (check <= 9 && Ruc.TryParse(body + check + suffix, out var ruc))
            {
                return ruc.Value;
            }
        }
    }
}
