using System.Globalization;
using Iess.Identity.Accounts;
using Iess.Identity.Employers;
using Iess.Identity.Recovery;
using Iess.Identity.Tests.Employers;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Iess.Identity.Tests.Hosting;

/// <summary>
/// No account enumeration, over 200 runs of every step where an identifier alone decides anything: sign-in (affiliate
/// and employer) and the first steps of every recovery and Generar clave flow. Known and unknown identifiers get, run by
/// run, the same status, page and visible message, and request-time medians within 25 ms.
/// </summary>
/// <remarks>
/// Affiliate flows of an unknown cédula (or of a cédula whose account cannot take that flow) are phantoms that always
/// fail the knowledge step, so the later affiliate steps (image, code sent, code check; email and phone codes of Generar
/// clave) are only ever reached with a real account's date of birth or answers: there is no unknown side to compare
/// there, and the knowledge step is compared with the unknown side typing the real account's date of birth. Employer
/// phantoms go all the way to the code, so every employer step is compared. Limits are raised (flows per identifier,
/// RUC and address; attempts per flow; lockout) and known accounts are taken in turn from small pools, so no limit
/// changes an answer during a run; runs of the cases interleave, so machine load hits every case alike.
/// </remarks>
[Trait("Category", "Enumeration")]
[Collection(TimingCollections.Everywhere)]
public sealed class EnumerationTests(EnumerationTests.Server server, ITestOutputHelper output) : IClassFixture<EnumerationTests.Server>
{
    private const int Runs = 200;
    private const int Warmup = 2;
    private const int StepsPerFlow = Server.AttemptsPerStep - 1;
    private const string WrongPassword = "Clave-Equivocada-2026";
    private const string DateOfBirth = "1985-03-14";

    [Fact]
    public async Task AffiliateSignIn_KnownWrongPassword_Unknown_AndKnownWithoutPassword_LookAlike()
    {
        using var browsers = new Browsers(server);
        var results = await ResponseProbe.RunAsync(Runs, Warmup,
            SignIn(browsers, "known cédula, wrong password", server.Affiliates, null),
            SignIn(browsers, "unknown cédula", Unknown(EmployerIds.NewCedula), null),
            SignIn(browsers, "known cédula without password", server.Imported, null));
        ResponseProbe.AssertIndistinguishable("affiliate sign-in POST", results, output);
        Assert.Contains("no son correctas", results[0].Seen[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmployerSignIn_KnownAndUnknownRuc_WithAndWithoutBranch_LookAlike()
    {
        using var browsers = new Browsers(server);
        var results = await ResponseProbe.RunAsync(Runs, Warmup,
            SignIn(browsers, "known RUC and branch", server.Employers.Select(e => e.Ruc).ToArray(), "0001"),
            SignIn(browsers, "unknown RUC and branch", Unknown(EmployerIds.NewPrivateCompanyRuc), "0001"),
            SignIn(browsers, "known RUC, no branch", server.OtherEmployers.Select(e => e.Ruc).ToArray(), ""),
            SignIn(browsers, "unknown RUC, no branch", Unknown(EmployerIds.NewPrivateCompanyRuc), ""));
        ResponseProbe.AssertIndistinguishable("employer sign-in POST", results, output);
        Assert.Contains("no son correctas", results[0].Seen[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AffiliateRecovery_Identify_KnownAndUnknown_LookAlike()
    {
        using var browsers = new Browsers(server);
        var results = await ResponseProbe.RunAsync(Runs, Warmup,
            IdentifyCedula(browsers, "known cédula", "/Recovery", server.Affiliates[0]),
            IdentifyCedula(browsers, "unknown cédula", "/Recovery", EmployerIds.NewCedula()));
        ResponseProbe.AssertIndistinguishable("recovery identify POST", results, output);
        Assert.Equal(new Seen(302, "/Recovery/Know", ""), results[0].Seen[0]);
    }

    [Fact]
    public async Task AffiliateRecovery_DateOfBirth_KnownWithWrongDate_AndUnknownWithTheRightOne_LookAlike()
    {
        using var browsers = new Browsers(server);
        var form = new Dictionary<string, string> { ["Method"] = "dob" };
        var results = await ResponseProbe.RunAsync(Runs, Warmup,
            Knowledge(browsers, "known cédula, wrong date", "/Recovery", server.Affiliates[0], new(form) { ["DateOfBirth"] = "1970-07-07" }),
            Knowledge(browsers, "unknown cédula, the known one's date", "/Recovery", EmployerIds.NewCedula(), new(form) { ["DateOfBirth"] = DateOfBirth }));
        ResponseProbe.AssertIndistinguishable("recovery date-of-birth POST", results, output);
        Assert.Contains("Le quedan", results[0].Seen[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AffiliateRecovery_Questions_KnownWithWrongAnswers_AndUnknown_LookAlike()
    {
        using var browsers = new Browsers(server);
        var form = SecurityQuestions.All.ToDictionary(q => $"Answers[{q.Id}]", _ => "Respuesta equivocada");
        form["Method"] = "questions";
        var results = await ResponseProbe.RunAsync(Runs, Warmup,
            Knowledge(browsers, "known cédula, wrong answers", "/Recovery", server.Affiliates[0], form),
            Knowledge(browsers, "unknown cédula", "/Recovery", EmployerIds.NewCedula(), form));
        ResponseProbe.AssertIndistinguishable("recovery questions POST", results, output);
        Assert.Contains("Le quedan", results[0].Seen[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerarClave_Identify_Imported_Unknown_AndWithPassword_LookAlike()
    {
        using var browsers = new Browsers(server);
        var results = await ResponseProbe.RunAsync(Runs, Warmup,
            IdentifyCedula(browsers, "imported without password", "/Activate", server.Imported[0]),
            IdentifyCedula(browsers, "unknown cédula", "/Activate", EmployerIds.NewCedula()),
            IdentifyCedula(browsers, "account with a password", "/Activate", server.Affiliates[0]));
        ResponseProbe.AssertIndistinguishable("Generar clave identify POST", results, output);
        Assert.Equal(new Seen(302, "/Activate/Know", ""), results[0].Seen[0]);
    }

    [Fact]
    public async Task GenerarClave_DateOfBirth_ImportedWithWrongDate_UnknownAndWithPassword_LookAlike()
    {
        using var browsers = new Browsers(server);
        var results = await ResponseProbe.RunAsync(Runs, Warmup,
            Knowledge(browsers, "imported, wrong date", "/Activate", server.Imported[0], new() { ["DateOfBirth"] = "1970-07-07" }),
            Knowledge(browsers, "unknown cédula", "/Activate", EmployerIds.NewCedula(), new() { ["DateOfBirth"] = DateOfBirth }),
            Knowledge(browsers, "account with a password, its date", "/Activate", server.Affiliates[0], new() { ["DateOfBirth"] = DateOfBirth }));
        ResponseProbe.AssertIndistinguishable("Generar clave date-of-birth POST", results, output);
        Assert.Contains("Le quedan", results[0].Seen[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmployerRecovery_Identify_EveryWrongPart_LooksLikeTheRightCombination()
    {
        using var probes = new EmployerProbes(server.Factory);
        var e = server.Employers[0];
        var results = await ResponseProbe.RunAsync(Runs, Warmup,
            probes.Identify("right combination", "/Employer/Recovery", e.Ruc, e.Branch, e.Representative),
            probes.Identify("wrong representative", "/Employer/Recovery", e.Ruc, e.Branch, EmployerIds.NewCedula()),
            probes.Identify("wrong branch", "/Employer/Recovery", e.Ruc, await probes.PhantomBranchAsync(e.Ruc, hasImage: false), e.Representative),
            probes.Identify("unknown RUC", "/Employer/Recovery", await probes.PhantomRucAsync(hasImage: false), "0001", e.Representative));
        ResponseProbe.AssertIndistinguishable("employer recovery identify POST", results, output);
        Assert.Equal(new Seen(302, "/Employer/Recovery/Code", ""), results[0].Seen[0]);
    }

    [Fact]
    public async Task EmployerRecovery_Image_EveryWrongPart_LooksLikeTheRightCombinationWithAWrongImage()
    {
        using var probes = new EmployerProbes(server.Factory);
        var e = server.EmployerWithImage;
        var results = await ResponseProbe.RunAsync(Runs, Warmup,
            probes.WrongImage("right combination", e.Ruc, e.Branch, e.Representative, Server.Image, StepsPerFlow),
            probes.WrongImage("wrong representative", e.Ruc, e.Branch, EmployerIds.NewCedula(), Server.Image, StepsPerFlow),
            probes.WrongImage("wrong branch", e.Ruc, await probes.PhantomBranchAsync(e.Ruc, hasImage: true), e.Representative, null, StepsPerFlow),
            probes.WrongImage("unknown RUC", await probes.PhantomRucAsync(hasImage: true), "0001", e.Representative, null, StepsPerFlow));
        ResponseProbe.AssertIndistinguishable("employer recovery image POST", results, output);
        Assert.Contains("Le quedan", results[0].Seen[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmployerRecovery_Code_EveryWrongPart_LooksLikeTheRightCombinationWithAWrongCode()
    {
        using var probes = new EmployerProbes(server.Factory);
        var e = server.Employers[1];
        var results = await ResponseProbe.RunAsync(Runs, Warmup,
            probes.WrongCode("right combination", "/Employer/Recovery", e.Ruc, e.Branch, e.Representative, StepsPerFlow),
            probes.WrongCode("wrong representative", "/Employer/Recovery", e.Ruc, e.Branch, EmployerIds.NewCedula(), StepsPerFlow),
            probes.WrongCode("wrong branch", "/Employer/Recovery", e.Ruc, "0003", e.Representative, StepsPerFlow),
            probes.WrongCode("unknown RUC", "/Employer/Recovery", EmployerIds.NewPrivateCompanyRuc(), "0001", e.Representative, StepsPerFlow));
        ResponseProbe.AssertIndistinguishable("employer recovery code POST", results, output);
        Assert.Contains("Le quedan", results[0].Seen[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmployerGenerarClave_Identify_EveryWrongPart_LooksLikeTheRightCombination()
    {
        using var probes = new EmployerProbes(server.Factory);
        var e = server.ImportedEmployer;
        var results = await ResponseProbe.RunAsync(Runs, Warmup,
            probes.Identify("right combination", "/Employer/Activate", e.Ruc, e.Branch, e.Representative),
            probes.Identify("wrong representative", "/Employer/Activate", e.Ruc, e.Branch, EmployerIds.NewCedula()),
            probes.Identify("wrong branch", "/Employer/Activate", e.Ruc, "0002", e.Representative),
            probes.Identify("unknown RUC", "/Employer/Activate", EmployerIds.NewPrivateCompanyRuc(), "0001", e.Representative),
            probes.Identify("branch with a password", "/Employer/Activate", server.Employers[0].Ruc, "0001", server.Employers[0].Representative));
        ResponseProbe.AssertIndistinguishable("employer Generar clave identify POST", results, output);
        Assert.Equal(new Seen(302, "/Employer/Activate/Code", ""), results[0].Seen[0]);
    }

    [Fact]
    public async Task EmployerGenerarClave_Code_EveryWrongPart_LooksLikeTheRightCombinationWithAWrongCode()
    {
        using var probes = new EmployerProbes(server.Factory);
        var e = server.ImportedEmployer;
        var results = await ResponseProbe.RunAsync(Runs, Warmup,
            probes.WrongCode("right combination", "/Employer/Activate", e.Ruc, e.Branch, e.Representative, StepsPerFlow),
            probes.WrongCode("wrong representative", "/Employer/Activate", e.Ruc, e.Branch, EmployerIds.NewCedula(), StepsPerFlow),
            probes.WrongCode("wrong branch", "/Employer/Activate", e.Ruc, "0002", e.Representative, StepsPerFlow),
            probes.WrongCode("unknown RUC", "/Employer/Activate", EmployerIds.NewPrivateCompanyRuc(), "0001", e.Representative, StepsPerFlow),
            probes.WrongCode("branch with a password", "/Employer/Activate", server.Employers[1].Ruc, "0001", server.Employers[1].Representative, StepsPerFlow));
        ResponseProbe.AssertIndistinguishable("employer Generar clave code POST", results, output);
        Assert.Contains("Le quedan", results[0].Seen[0].Message, StringComparison.Ordinal);
    }

    private static string[] Unknown(Func<string> next) => [next(), next(), next()];

    /// <summary>A wrong password for the identifiers of <paramref name="pool"/> in turn (each stays below the lockout).</summary>
    private static ProbeCase SignIn(Browsers browsers, string name, string[] pool, string? branch)
    {
        var browser = browsers.New();
        var run = 0;
        return new ProbeCase(name, () =>
        {
            var fields = new Dictionary<string, string> { ["Input.Identifier"] = pool[run++ % pool.Length], ["Input.Password"] = WrongPassword };
            if (branch is not null)
            {
                fields["Input.Branch"] = branch;
            }

            return ResponseProbe.PostAsync(browser, "/Login", fields);
        });
    }

    /// <summary>The identify POST of affiliate recovery or Generar clave: the cédula and a solved CAPTCHA.</summary>
    private static ProbeCase IdentifyCedula(Browsers browsers, string name, string root, string cedula)
    {
        var browser = browsers.New();
        return new ProbeCase(name, async () =>
            await ResponseProbe.PostAsync(browser, root, new Dictionary<string, string> { ["Cedula"] = cedula, ["altcha"] = await RecoveryDriver.SolveCaptchaAsync(browser) }));
    }

    /// <summary>The knowledge POST (<c>root/Know</c>) of flows started for <paramref name="cedula"/>, a new flow before the attempts run out.</summary>
    private ProbeCase Knowledge(Browsers browsers, string name, string root, string cedula, Dictionary<string, string> form)
    {
        var walker = browsers.Own(new FlowWalker(server.BaseAddress, async b =>
            Assert.Equal(root + "/Know", RecoveryDriver.Location(await new RecoveryDriver(b).IdentifyAsync(cedula, root))), StepsPerFlow));
        return new ProbeCase(name, async () => await ResponseProbe.PostAsync(await walker.NextAsync(), root + "/Know", form));
    }

    /// <summary>The browsers and walkers of one test, disposed together.</summary>
    private sealed class Browsers(Server server) : IDisposable
    {
        private readonly List<IDisposable> owned = [];

        public FormClient New() => Own(new FormClient(server.BaseAddress));

        public T Own<T>(T disposable)
            where T : IDisposable
        {
            owned.Add(disposable);
            return disposable;
        }

        public void Dispose() => owned.ForEach(o => o.Dispose());
    }

    /// <summary>
    /// The server of these tests: CAPTCHA at its lowest difficulty (it is solved before each identify, untimed), flow
    /// limits raised, 20 attempts per step, lockout after 100 failures; pools of accounts made through the app's UserManager.
    /// </summary>
    public sealed class Server : IessServerFixture, IAsyncLifetime
    {
        public const int AttemptsPerStep = 20;
        public const int Image = 31;

        public Server()
            : base(f => f
                .WithSetting("Iess:Captcha:Difficulty", "1000")
                .WithSetting("Iess:Recovery:MaxFlowsPerIdentifierPerDay", "1000")
                .WithSetting("Iess:Recovery:MaxFlowsPerGroupPerDay", "100000")
                .WithSetting("Iess:Recovery:MaxFlowsPerIpPerHour", "10000")
                .WithSetting("Iess:Recovery:MaxStepFailures", AttemptsPerStep.ToString(CultureInfo.InvariantCulture))
                .WithSetting("Iess:Recovery:MaxCodeAttempts", AttemptsPerStep.ToString(CultureInfo.InvariantCulture))
                .WithSetting("Iess:Accounts:LockoutMaxFailures", "100")
                .WithSetting("Iess:Login:MaxFailuresPerAddress", "100000"))
        {
        }

        /// <summary>Affiliates with a password, date of birth 1985-03-14, security image and answers.</summary>
        public string[] Affiliates { get; private set; } = [];

        /// <summary>Affiliates imported from the registry, without a password yet.</summary>
        public string[] Imported { get; private set; } = [];

        /// <summary>Employer branches 0001 with a password (sign-in with the branch typed, recovery).</summary>
        public TestEmployer[] Employers { get; private set; } = [];

        /// <summary>Employer branches 0001 with a password (sign-in without a branch).</summary>
        public TestEmployer[] OtherEmployers { get; private set; } = [];

        public TestEmployer EmployerWithImage { get; private set; } = null!;

        /// <summary>An employer branch 0001 imported without a password (Generar clave).</summary>
        public TestEmployer ImportedEmployer { get; private set; } = null!;

        async Task IAsyncLifetime.InitializeAsync()
        {
            await InitializeAsync();
            await using var scope = Factory.CreateScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
            var profiles = scope.ServiceProvider.GetRequiredService<SecurityProfile>();
            Affiliates = [await AffiliateAsync(users, profiles, true), await AffiliateAsync(users, profiles, true), await AffiliateAsync(users, profiles, true)];
            Imported = [await AffiliateAsync(users, profiles, false), await AffiliateAsync(users, profiles, false), await AffiliateAsync(users, profiles, false)];
            Employers = [await EmployerAsync(users, profiles, true), await EmployerAsync(users, profiles, true), await EmployerAsync(users, profiles, true)];
            OtherEmployers = [await EmployerAsync(users, profiles, true), await EmployerAsync(users, profiles, true), await EmployerAsync(users, profiles, true)];
            EmployerWithImage = await EmployerAsync(users, profiles, true, Image);
            ImportedEmployer = await EmployerAsync(users, profiles, false);
        }

        Task IAsyncLifetime.DisposeAsync() => DisposeAsync();

        private static async Task<string> AffiliateAsync(UserManager<IessUser> users, SecurityProfile profiles, bool withPassword)
        {
            var cedula = EmployerIds.NewCedula();
            var user = new IessUser
            {
                AccountType = AccountType.Affiliate, IessId = cedula, UserName = IessUser.AccountKey(AccountType.Affiliate, cedula),
                GivenNames = "Rosa Elena", FamilyNames = "Quishpe", DateOfBirth = DateOnly.Parse(DateOfBirth, CultureInfo.InvariantCulture),
                Email = $"afiliado.{cedula}@example.ec", EmailConfirmed = withPassword, CreatedAt = DateTimeOffset.UtcNow,
            };
            await CreateAsync(users, profiles, user, withPassword, 17);
            return cedula;
        }

        private static async Task<TestEmployer> EmployerAsync(UserManager<IessUser> users, SecurityProfile profiles, bool withPassword, int? image = null)
        {
            var ruc = EmployerIds.NewPrivateCompanyRuc();
            var employer = new TestEmployer(ruc, "0001", EmployerIds.NewCedula(), $"rrhh.{ruc}@example.ec");
            var user = new IessUser
            {
                AccountType = AccountType.Employer, IessId = ruc, Branch = employer.Branch, UserName = IessUser.AccountKey(AccountType.Employer, ruc, employer.Branch),
                BusinessName = "Flores del Valle S.A.", LegalRepresentativeCedula = employer.Representative, LegalRepresentativeName = "Jorge Andrade",
                Email = employer.Email, EmailConfirmed = withPassword, CreatedAt = DateTimeOffset.UtcNow,
            };
            await CreateAsync(users, profiles, user, withPassword, image);
            return employer;
        }

        private static async Task CreateAsync(UserManager<IessUser> users, SecurityProfile profiles, IessUser user, bool withPassword, int? image)
        {
            var created = withPassword ? await users.CreateAsync(user, "Clave-Inicial-Pichincha-2026") : await users.CreateAsync(user);
            Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
            if (withPassword && image is { } id)
            {
                await profiles.SetAsync(user, id, new Dictionary<int, string> { [4] = "Segundo", [7] = "Guamán", [11] = "Fanesca" });
            }
        }
    }
}
