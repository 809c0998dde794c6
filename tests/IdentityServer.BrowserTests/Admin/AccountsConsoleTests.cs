using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Iess.Identity.Accounts;
using Iess.Identity.BrowserTests.Infrastructure;
using Iess.Identity.Recovery;
using Iess.Identity.Tests.Accounts;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;
using Microsoft.Playwright;
using OtpNet;
using static Microsoft.Playwright.Assertions;

namespace Iess.Identity.BrowserTests.Admin;

/// <summary>
/// The officer console and IdentityServer on real ports with a real SMTP server, for the account tools. Each test
/// creates its own officer (own TOTP secret, so no code is replayed) and its own affiliate.
/// </summary>
public sealed class AccountsConsoleSystem : IAsyncLifetime
{
    public const string OfficerPassword = "Oficial-Consola-Segura-2026";
    public const string AffiliatePassword = "Clave-Consola-Tungurahua-2026";

    private IPlaywright? playwright;

    public TestSmtpServer Mail { get; } = new();

    public IessServerFactory Server { get; } = new();

    public AdminConsoleFactory Console { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The console's clock, moved forward to make the officer's access token expire.</summary>
    public FakeTimeProvider ConsoleClock { get; } = new(DateTimeOffset.UtcNow);

    public string ServerUrl(string path) => new Uri(Server.BaseAddress, path).ToString();

    public async Task InitializeAsync()
    {
        Console.WithServices(s => s.AddSingleton<TimeProvider>(ConsoleClock));
        var settings = Mail.AppSettings.Concat(ClientRegistration.Settings(
            ClientRegistration.FirstTestIndex, AdminConsoleFactory.ClientId, AdminConsoleFactory.ClientSecret, Console.BaseAddress,
            "openid", "profile", "iess.identity", "iess.admin", "offline_access"));
        foreach (var (key, value) in settings)
        {
            Server.WithSetting(key, value);
        }

        Console.UseAuthority(Server.BaseAddress);
        playwright = await Playwright.CreateAsync();
        Browser = await BrowserSystemFixture.LaunchChromiumAsync(playwright);
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        playwright?.Dispose();
        await Console.DisposeAsync();
        await Server.DisposeAsync();
        await Mail.DisposeAsync();
    }

    public async Task<IBrowserContext> NewContextAsync()
    {
        var context = await Browser.NewContextAsync();
        context.SetDefaultTimeout(30_000);
        return context;
    }

    /// <summary>An officer with <paramref name="role"/> and a TOTP secret of its own; returns the cédula and secret.</summary>
    public async Task<(string Cedula, string Secret)> OfficerAsync(string role)
    {
        var cedula = TestIds.NewCedula();
        var secret = Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));
        await using var scope = Server.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
        var officer = new IessUser
        {
            AccountType = AccountType.Officer, IessId = cedula, UserName = IessUser.AccountKey(AccountType.Officer, cedula),
            GivenNames = "Jorge", FamilyNames = "Salazar Vinueza", CreatedAt = DateTimeOffset.UtcNow,
        };
        Assert.True((await users.CreateAsync(officer, OfficerPassword)).Succeeded);
        Assert.True((await users.AddToRoleAsync(officer, role)).Succeeded);
        Assert.True((await users.SetAuthenticationTokenAsync(officer, "[AspNetUserStore]", "AuthenticatorKey", secret)).Succeeded);
        Assert.True((await users.SetTwoFactorEnabledAsync(officer, true)).Succeeded);
        return (cedula, secret);
    }

    /// <summary>An affiliate (Rosa Elena Quishpe Guamán) with a password, a verified email and a full security profile (image 17).</summary>
    public async Task<IessUser> AffiliateAsync()
    {
        var created = await TestIds.CreateAffiliateAsync(Server, AffiliatePassword);
        await using var scope = Server.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
        var user = (await users.FindByIdAsync(created.Id))!;
        Assert.True((await users.SetEmailAsync(user, $"rosa.{user.IessId}@example.ec")).Succeeded);
        user.EmailConfirmed = true;
        Assert.True((await users.UpdateAsync(user)).Succeeded);
        await scope.ServiceProvider.GetRequiredService<SecurityProfile>().SetAsync(user, 17, new Dictionary<int, string> { [4] = "Segundo", [7] = "Ambato", [11] = "Fanesca" });
        return user;
    }

    public async Task<IessUser> ReadAsync(string id)
    {
        await using var scope = Server.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>().FindByIdAsync(id))!;
    }

    public async Task ChangeAsync(string id, Func<UserManager<IessUser>, IessUser, Task> change)
    {
        await using var scope = Server.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
        await change(users, (await users.FindByIdAsync(id))!);
    }
}

public sealed partial class AccountsConsoleTests(AccountsConsoleSystem system) : IClassFixture<AccountsConsoleSystem>
{
    private const string Reason = "La persona se presentó con su cédula en ventanilla";
    private const string Name = "Rosa Elena Quishpe Guamán";

    [Fact]
    public async Task Helpdesk_FindsALockedAffiliate_UnlocksWithAReason_ThenTheAffiliateSignsIn()
    {
        var affiliate = await system.AffiliateAsync();
        await system.ChangeAsync(affiliate.Id, (users, user) => users.SetLockoutEndDateAsync(user, DateTimeOffset.UtcNow.AddMinutes(15)));
        var (cedula, secret) = await system.OfficerAsync("helpdesk");
        await using var context = await system.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInOfficerAsync(page, cedula, secret);

        await page.GetByRole(AriaRole.Link, new() { Name = "Cuentas" }).ClickAsync();
        await page.GetByLabel("Buscar", new() { Exact = true }).FillAsync(affiliate.IessId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Buscar" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = Name }).ClickAsync();
        await Expect(page.Locator("#account-lock")).ToContainTextAsync("Bloqueada hasta");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Reiniciar perfil de seguridad" })).ToHaveCountAsync(0);
        var axe = await page.RunAxe();
        Assert.Empty(axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => v.Id + ": " + v.Help));

        // A reason that is too short comes back from the API as a field error; nothing changes.
        await page.Locator("#reason-unlock").FillAsync("corto");
        await page.GetByRole(AriaRole.Button, new() { Name = "Desbloquear" }).ClickAsync();
        await Expect(page.Locator("#reason-error-unlock")).ToBeVisibleAsync();
        await Expect(page.Locator("#account-lock")).ToContainTextAsync("Bloqueada hasta");

        // Someone else changes the account meanwhile: the console shows the current state and asks to decide again.
        await system.ChangeAsync(affiliate.Id, (users, user) => users.UpdateSecurityStampAsync(user));
        await page.Locator("#reason-unlock").FillAsync(Reason);
        await page.GetByRole(AriaRole.Button, new() { Name = "Desbloquear" }).ClickAsync();
        await Expect(page.Locator("#account-error")).ToContainTextAsync("Otro funcionario cambió esta cuenta");

        await page.Locator("#reason-unlock").FillAsync(Reason);
        await page.GetByRole(AriaRole.Button, new() { Name = "Desbloquear" }).ClickAsync();
        await Expect(page.Locator("#account-notice")).ToContainTextAsync("Cuenta desbloqueada");
        await Expect(page.Locator("#account-lock")).ToContainTextAsync("Sin bloqueo");

        await using var person = await system.NewContextAsync();
        var personPage = await person.NewPageAsync();
        await personPage.GotoAsync(system.ServerUrl("/Login"));
        await FlowSteps.SignInAsync(personPage, affiliate.IessId, AccountsConsoleSystem.AffiliatePassword);
        await Expect(personPage.Locator("#signed-in")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Supervisor_UnlocksAndResetsTheSecurityProfile_TheAffiliateMustChooseANewImage_AndTheAuditPageShowsBoth()
    {
        var affiliate = await system.AffiliateAsync();
        await system.ChangeAsync(affiliate.Id, (users, user) => users.SetLockoutEndDateAsync(user, DateTimeOffset.UtcNow.AddMinutes(15)));
        var (cedula, secret) = await system.OfficerAsync("supervisor");
        await using var context = await system.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInOfficerAsync(page, cedula, secret);

        await page.GotoAsync(new Uri(system.Console.BaseAddress, "/Accounts?q=" + affiliate.IessId).ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = Name }).ClickAsync();
        await page.Locator("#reason-unlock").FillAsync(Reason);
        await page.GetByRole(AriaRole.Button, new() { Name = "Desbloquear", Exact = true }).ClickAsync();
        await Expect(page.Locator("#account-notice")).ToContainTextAsync("Cuenta desbloqueada");
        await Expect(page.Locator("#account-security-profile")).ToContainTextAsync("Registradas");
        await page.Locator("#reason-reset-profile").FillAsync(Reason);
        await page.GetByRole(AriaRole.Button, new() { Name = "Reiniciar perfil de seguridad" }).ClickAsync();
        await Expect(page.Locator("#account-notice")).ToContainTextAsync("Perfil de seguridad reiniciado");
        await Expect(page.Locator("#account-security-profile")).ToContainTextAsync("Debe elegirlas de nuevo");

        await using var person = await system.NewContextAsync();
        var personPage = await person.NewPageAsync();
        await personPage.GotoAsync(system.ServerUrl("/Login"));
        await FlowSteps.SignInAsync(personPage, affiliate.IessId, AccountsConsoleSystem.AffiliatePassword);
        await personPage.WaitForUrlStartingWithAsync(system.ServerUrl("/Login/SecurityProfile"));
        await Expect(personPage.GetByRole(AriaRole.Heading, new() { Name = "Elija su nueva imagen y preguntas de seguridad" })).ToBeVisibleAsync();
        await personPage.GetByRole(AriaRole.Radio, new() { Name = FlowSteps.ImageName(12), Exact = true }).CheckAsync();
        string[] answers = ["Riobamba", "Canela", "Escuela Simón Bolívar"];
        for (var i = 0; i < 3; i++)
        {
            var group = personPage.GetByRole(AriaRole.Group, new() { Name = $"Pregunta {i + 1}", Exact = true });
            await group.GetByLabel("Respuesta").FillAsync(answers[i]);
        }

        await personPage.GetByRole(AriaRole.Button, new() { Name = "Guardar" }).ClickAsync();
        await Expect(personPage.Locator("#signed-in")).ToBeVisibleAsync();
        var after = await system.ReadAsync(affiliate.Id);
        Assert.Equal(12, after.SecurityImageId);
        Assert.False(after.MustChooseSecurityProfile);

        // The audit page shows the unlock and the reset with the reason, on an intact chain.
        await page.GotoAsync(new Uri(system.Console.BaseAddress, "/Audit?Subject=" + affiliate.Id).ToString());
        await Expect(page.Locator("#audit tbody tr", new() { HasText = "admin.account.unlocked" })).ToHaveCountAsync(1);
        var reset = page.Locator("#audit tbody tr", new() { HasText = "admin.security_profile.reset" });
        await Expect(reset).ToHaveCountAsync(1);
        await Expect(reset).ToContainTextAsync(Reason);
        await Expect(page.Locator("#chain-status")).ToContainTextAsync("íntegra");
    }

    [Fact]
    public async Task Supervisor_RecordsAnOfficialEmailUpdate_TheNewAddressGetsACode_AndThePersonConfirmsIt()
    {
        var affiliate = await system.AffiliateAsync();
        var newEmail = $"rosa.nueva.{affiliate.IessId}@example.ec";
        var (cedula, secret) = await system.OfficerAsync("supervisor");
        await using var context = await system.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInOfficerAsync(page, cedula, secret);

        await page.GotoAsync(new Uri(system.Console.BaseAddress, "/Accounts?q=" + affiliate.IessId).ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = Name }).ClickAsync();
        await page.GetByLabel("Nuevo correo").FillAsync(newEmail);
        await page.GetByLabel("Número del documento").FillAsync(affiliate.IessId);
        await page.GetByLabel("Centro de atención").FillAsync("Cuenca Centro");
        await page.Locator("#reason-official-update").FillAsync(Reason);
        await page.GetByRole(AriaRole.Button, new() { Name = "Registrar y enviar código" }).ClickAsync();
        await Expect(page.Locator("#account-notice")).ToContainTextAsync("Se envió un código al nuevo dato");
        await Expect(page.Locator(".pending-contact")).ToContainTextAsync(newEmail);

        var mail = await system.Mail.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address == newEmail), TimeSpan.FromSeconds(60));
        var code = CodePattern().Match(mail.TextBody ?? "").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(code), mail.TextBody);
        var notice = await system.Mail.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address == affiliate.Email), TimeSpan.FromSeconds(60));
        Assert.DoesNotContain(code, notice.TextBody ?? "", StringComparison.Ordinal);

        await using var person = await system.NewContextAsync();
        var personPage = await person.NewPageAsync();
        await personPage.GotoAsync(system.ServerUrl("/Profile/Confirm"));
        await personPage.GetByLabel("Cédula o RUC").FillAsync(affiliate.IessId);
        await personPage.GetByLabel("Código").FillAsync(code);
        await personPage.GetByRole(AriaRole.Button, new() { Name = "Confirmar" }).ClickAsync();
        await Expect(personPage.Locator("#profile-notice")).ToContainTextAsync("quedaron verificados");
        var after = await system.ReadAsync(affiliate.Id);
        Assert.Equal(newEmail, after.Email);
        Assert.True(after.EmailConfirmed);

        // The audit page shows the officer's request and the person's confirmation.
        await page.GotoAsync(new Uri(system.Console.BaseAddress, "/Audit?Subject=" + affiliate.Id).ToString());
        await Expect(page.Locator("#audit tbody tr", new() { HasText = "admin.official_update.requested" })).ToHaveCountAsync(1);
        await Expect(page.Locator("#audit tbody tr", new() { HasText = "admin.official_update.confirmed" })).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task WhenTheOfficersAccessTokenExpires_TheConsoleRenewsItWithTheRefreshToken_AndKeepsWorking()
    {
        var affiliate = await system.AffiliateAsync();
        var (cedula, secret) = await system.OfficerAsync("helpdesk");
        await using var context = await system.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInOfficerAsync(page, cedula, secret);
        var detail = new Uri(system.Console.BaseAddress, "/Accounts?q=" + affiliate.IessId).ToString();
        await page.GotoAsync(detail);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = Name })).ToBeVisibleAsync();

        system.ConsoleClock.Advance(TimeSpan.FromMinutes(11));
        await page.GotoAsync(detail);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = Name })).ToBeVisibleAsync();
        Assert.StartsWith(system.Console.BaseAddress.ToString(), page.Url, StringComparison.Ordinal);

        await using var scope = system.Server.CreateScope();
        var officer = await scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>().FindByNameAsync(IessUser.AccountKey(AccountType.Officer, cedula));
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var types = new List<string?>();
        await foreach (var token in tokens.FindBySubjectAsync(officer!.Id))
        {
            types.Add(await tokens.GetTypeAsync(token));
        }

        Assert.True(types.Count(t => t == OpenIddictConstants.TokenTypeIdentifiers.RefreshToken) >= 2,
            $"The console did not renew its tokens: {string.Join(", ", types)}");
    }

    private async Task SignInOfficerAsync(IPage page, string cedula, string secret)
    {
        await page.GotoAsync(system.Console.BaseAddress.ToString());
        await page.WaitForUrlStartingWithAsync(system.ServerUrl("/Login"));
        await page.GetByLabel("Cédula o RUC").FillAsync(cedula);
        await page.GetByLabel("Clave", new() { Exact = true }).FillAsync(AccountsConsoleSystem.OfficerPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Ingresar" }).ClickAsync();
        await page.WaitForUrlStartingWithAsync(system.ServerUrl("/Login/Mfa"));
        await page.GetByLabel("Código", new() { Exact = true }).FillAsync(new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp());
        await page.GetByRole(AriaRole.Button, new() { Name = "Continuar" }).ClickAsync();
        await page.WaitForUrlStartingWithAsync(system.Console.BaseAddress.ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Consola de funcionarios IESS" })).ToBeVisibleAsync();
    }

    [GeneratedRegex(@"código de verificación es: (\d{6})")]
    private static partial Regex CodePattern();
}
