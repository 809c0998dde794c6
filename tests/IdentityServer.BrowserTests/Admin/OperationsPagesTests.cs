using Iess.Identity.Accounts;
using Iess.Identity.BrowserTests.Infrastructure;
using Iess.Identity.Data;
using Iess.Identity.Messaging;
using Iess.Identity.Recovery;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;
using static Microsoft.Playwright.Assertions;

namespace Iess.Identity.BrowserTests.Admin;

/// <summary>The console's operations pages in Chromium: a client created through the console shows in the audit page; the dashboard renders.</summary>
[Collection(BrowserSystemCollection.Name)]
public sealed class OperationsPagesTests(BrowserSystemFixture system)
{
    private const string Password = "Oficial-Operaciones-Segura-2026";

    [Fact]
    public async Task Administrator_CreatesAClient_SeesTheSecretOnce_ThenTheAuditEntry_AndTheDashboard()
    {
        var (cedula, totp) = await CreateAdministratorAsync();
        await using var context = await system.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInAsync(page, cedula, totp);

        var clientId = "tramites-" + Guid.NewGuid().ToString("N")[..8];
        await page.GotoAsync(new Uri(system.Admin.BaseAddress, "/Clients/Edit").ToString());
        await page.GetByLabel("Identificador (client_id)").FillAsync(clientId);
        await page.GetByLabel("Nombre").FillAsync("Trámites en línea");
        await page.GetByLabel("Direcciones de retorno (una por línea; https, http solo en localhost)").FillAsync("javascript:alert(1)");
        await page.Locator("#save-reason").FillAsync("Alta de la aplicación de trámites, ticket 815");
        await page.GetByRole(AriaRole.Button, new() { Name = "Guardar" }).ClickAsync();
        await Expect(page.Locator("#client-error")).ToContainTextAsync("redirectUris");

        await page.GetByLabel("Direcciones de retorno (una por línea; https, http solo en localhost)").FillAsync("https://tramites.iess.gob.ec/signin-oidc");
        await page.Locator("#save-reason").FillAsync("Alta de la aplicación de trámites, ticket 815");
        await page.GetByRole(AriaRole.Button, new() { Name = "Guardar" }).ClickAsync();
        await Expect(page.Locator("#client-secret")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[A-Za-z0-9_-]{32,}$"));
        await page.GotoAsync(new Uri(system.Admin.BaseAddress, $"/Clients/Edit?id={clientId}").ToString());
        await Expect(page.Locator("#client-secret")).ToHaveCountAsync(0);

        await page.GotoAsync(new Uri(system.Admin.BaseAddress, "/Audit?Type=client.created").ToString());
        await Expect(page.Locator("#audit tbody")).ToContainTextAsync(clientId);
        await Expect(page.Locator("#audit tbody")).ToContainTextAsync("ticket 815");
        await Expect(page.Locator("#chain-status")).ToContainTextAsync("íntegra");

        await page.GetByRole(AriaRole.Link, new() { Name = "Métricas de acceso al sistema" }).ClickAsync();
        await Expect(page.Locator("#access-metrics tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#access-metrics")).ToContainTextAsync("Código por SMS");
        await Expect(page.Locator("#metrics-chart")).ToBeVisibleAsync();
        await Expect(page.Locator("#metrics-chart rect")).ToHaveCountAsync(6);

        // A day of its own, with flows whose figures are known: the page shows exactly those figures.
        await RecordFlowsAsync(new DateTimeOffset(2025, 1, 10, 9, 0, 0, TimeSpan.Zero));
        await page.GotoAsync(new Uri(system.Admin.BaseAddress, "/Dashboard?From=2025-01-10&To=2025-01-10").ToString());
        var email = page.Locator("#access-metrics tr[data-method=email]");
        await Expect(email.Locator(".requests")).ToHaveTextAsync("3");
        await Expect(email.Locator(".completion")).ToHaveAttributeAsync("data-value", "0.67");
        await Expect(email.Locator(".median-wait")).ToHaveAttributeAsync("data-seconds", "3");
        await Expect(email.Locator(".p90-wait")).ToHaveAttributeAsync("data-seconds", "10");
        await Expect(email.Locator(".median-finish")).ToHaveAttributeAsync("data-seconds", "120");
        await Expect(email.Locator(".median-finish")).ToHaveTextAsync("2 min 0 s");
        var sms = page.Locator("#access-metrics tr[data-method=sms]");
        await Expect(sms.Locator(".requests")).ToHaveTextAsync("1");
        await Expect(sms.Locator(".completion")).ToHaveAttributeAsync("data-value", "0");
        await Expect(sms.Locator(".median-wait")).ToHaveAttributeAsync("data-seconds", "2");
        await Expect(sms.Locator(".median-finish")).ToHaveTextAsync("—");
        await Expect(page.Locator("#signin-successes")).ToHaveTextAsync("0");
        await Expect(page.Locator("#metrics-chart rect.requests")).ToHaveCountAsync(3);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserSystemFixture.ArtifactsFolder, "admin-dashboard.png"), FullPage = true });
    }

    /// <summary>An administrator of this test's own (the demo officer's TOTP steps are used by other tests).</summary>
    private async Task<(string Cedula, string Totp)> CreateAdministratorAsync()
    {
        var cedula = Tests.Accounts.TestIds.NewCedula();
        var secret = Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));
        await using var scope = system.Server.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
        var officer = new IessUser
        {
            AccountType = AccountType.Officer, IessId = cedula, UserName = IessUser.AccountKey(AccountType.Officer, cedula),
            GivenNames = "Diana Carolina", FamilyNames = "Salazar Ponce", Email = $"oficial{cedula}@example.ec", EmailConfirmed = true,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        Assert.True((await users.CreateAsync(officer, Password)).Succeeded);
        Assert.True((await users.AddToRolesAsync(officer, ["helpdesk", "supervisor", "administrator"])).Succeeded);
        await users.SetAuthenticationTokenAsync(officer, "[AspNetUserStore]", "AuthenticatorKey", secret);
        await users.SetTwoFactorEnabledAsync(officer, true);
        return (cedula, secret);
    }

    /// <summary>
    /// Recovery flows on <paramref name="day"/> as the recovery pages leave them: three by email (two finished in 2 and 4
    /// minutes; codes delivered after 1.5, 3 and 10 s) and one by SMS, not finished (code delivered after 2 s).
    /// </summary>
    private async Task RecordFlowsAsync(DateTimeOffset day)
    {
        await using var scope = system.Server.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
        foreach (var (channel, finish, wait) in new (PossessionChannel, int?, double)[]
        {
            (PossessionChannel.Email, 2, 1.5), (PossessionChannel.Email, 4, 3), (PossessionChannel.Email, null, 10), (PossessionChannel.Sms, null, 2),
        })
        {
            var flow = new AccountFlow
            {
                Id = Guid.NewGuid(), Kind = FlowKind.AffiliateRecovery, State = finish is null ? FlowState.CodeSent : FlowState.Completed,
                Channel = channel, IdentifierHash = "dashboard-test", CreatedAt = day, UpdatedAt = day, ExpiresAt = day.AddMinutes(30),
                CompletedAt = finish is { } minutes ? day.AddMinutes(minutes) : null,
            };
            db.AccountFlows.Add(flow);
            db.OutboxMessages.Add(new OutboxMessage
            {
                Id = Guid.NewGuid(), FlowId = flow.Id, Channel = channel == PossessionChannel.Sms ? MessageChannel.Sms : MessageChannel.Email,
                Purpose = "recovery.test", Recipient = "nadie@example.ec", TextBody = "-", QueuedAt = day, NextAttemptAt = day, SentAt = day.AddSeconds(wait),
            });
        }

        await db.SaveChangesAsync();
    }

    private async Task SignInAsync(IPage page, string cedula, string totp)
    {
        await page.GotoAsync(system.Admin.BaseAddress.ToString());
        await page.GetByLabel("Cédula o RUC").FillAsync(cedula);
        await page.GetByLabel("Clave", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Ingresar" }).ClickAsync();
        await page.WaitForUrlStartingWithAsync(system.ServerUrl("/Login/Mfa"));
        await page.GetByLabel("Código", new() { Exact = true }).FillAsync(new Totp(Base32Encoding.ToBytes(totp)).ComputeTotp());
        await page.GetByRole(AriaRole.Button, new() { Name = "Continuar" }).ClickAsync();

        // The console's menu, rather than a navigation event: the redirect chain may have ended before this line runs.
        await Expect(page.Locator("#nav-dashboard")).ToBeVisibleAsync(new() { Timeout = 60_000 });
    }
}
