using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Iess.Identity.Accounts;
using Iess.Identity.AdminApi;
using Iess.Identity.Data;
using Iess.Identity.Recovery;
using Iess.Identity.Tests.Accounts;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Iess.Identity.Tests.AdminApi;

/// <summary>One server with a real SMTP server and SMS gateway for the accounts API tests, and officers of each role.</summary>
public sealed class AccountsApiFixture : IAsyncLifetime
{
    public TestSmtpServer Smtp { get; } = new();

    public TestSmsGateway Sms { get; private set; } = null!;

    public IessServerFactory Server { get; } = new();

    public string Helpdesk { get; private set; } = "";

    public string Supervisor { get; private set; } = "";

    public string SecondSupervisor { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Sms = await TestSmsGateway.StartAsync();
        foreach (var (key, value) in Smtp.AppSettings.Concat(Sms.AppSettings))
        {
            Server.WithSetting(key, value);
        }

        _ = Server.BaseAddress;
        Helpdesk = await OfficerTokens.AccessTokenAsync(Server, OfficerRoles.Helpdesk);
        Supervisor = await OfficerTokens.AccessTokenAsync(Server, OfficerRoles.Supervisor);
        SecondSupervisor = await OfficerTokens.AccessTokenAsync(Server, OfficerRoles.Supervisor);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Sms.DisposeAsync();
        await Smtp.DisposeAsync();
    }

    public HttpClient Api(string? token) => OfficerTokens.Client(Server.BaseAddress, token);

    /// <summary>A new affiliate with a password, a verified email of its own and a full security profile.</summary>
    public async Task<(IessUser User, string Password)> AffiliateAsync()
    {
        const string password = "Clave-Prueba-Cotopaxi-2026";
        var user = await TestIds.CreateAffiliateAsync(Server, password);
        await using var scope = Server.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
        var fresh = (await users.FindByIdAsync(user.Id))!;
        fresh.Email = $"antiguo.{fresh.IessId}@example.ec";
        fresh.NormalizedEmail = users.NormalizeEmail(fresh.Email);
        fresh.EmailConfirmed = true;
        Assert.True((await users.UpdateAsync(fresh)).Succeeded);
        await scope.ServiceProvider.GetRequiredService<SecurityProfile>().SetAsync(fresh, 17, new Dictionary<int, string> { [4] = "Segundo", [7] = "Guamán", [11] = "Fanesca" });
        return (fresh, password);
    }

    public async Task<IessUser> ReadAsync(string id)
    {
        await using var scope = Server.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IessDbContext>().Users.AsNoTracking().SingleAsync(u => u.Id == id);
    }

    public async Task<T> DbAsync<T>(Func<IessDbContext, Task<T>> read)
    {
        await using var scope = Server.CreateScope();
        return await read(scope.ServiceProvider.GetRequiredService<IessDbContext>());
    }

    /// <summary>GET the account's status; returns the body and its ETag.</summary>
    public async Task<(JsonElement Status, string ETag)> StatusAsync(string token, string id)
    {
        using var http = Api(token);
        using var response = await http.GetAsync($"/api/admin/accounts/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(), response.Headers.ETag!.Tag);
    }

    public async Task<HttpResponseMessage> PostAsync(string token, string id, string action, object? body, string? etag)
    {
        using var http = Api(token);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/admin/accounts/{id}/{action}") { Content = body is null ? null : JsonContent.Create(body) };
        if (etag is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        }

        return await http.SendAsync(request);
    }
}

public sealed partial class AccountsApiTests(AccountsApiFixture fixture) : IClassFixture<AccountsApiFixture>
{
    private const string Reason = "Persona presentó su cédula en ventanilla";

    [Fact]
    public async Task HelpdeskCallingResetSecurityProfile_Gets403_AndNothingChanges()
    {
        var (user, _) = await fixture.AffiliateAsync();
        var (_, etag) = await fixture.StatusAsync(fixture.Helpdesk, user.Id);

        using var response = await fixture.PostAsync(fixture.Helpdesk, user.Id, "reset-security-profile", new { reason = Reason }, etag);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var after = await fixture.ReadAsync(user.Id);
        Assert.Equal(17, after.SecurityImageId);
        Assert.False(after.MustChooseSecurityProfile);
        Assert.Equal(3, await fixture.DbAsync(db => db.SecurityAnswers.CountAsync(a => a.UserId == user.Id)));
    }

    [Fact]
    public async Task TokensWithoutTheAdminScope_GetNothingFromAnyAccountsEndpoint()
    {
        var (user, _) = await fixture.AffiliateAsync();
        var affiliate = await PublicClientTokens.AccessTokenAsync(fixture.Server.BaseAddress, SignInAnswers.Affiliate);
        string[] posts = ["unlock", "resend-verification", "unlock-recovery", "reset-security-profile", "official-update", "legal-representative", "revoke-sessions"];
        foreach (var token in new[] { null, affiliate, "not-a-token" })
        {
            using var http = fixture.Api(token);
            using (var search = await http.GetAsync("/api/admin/accounts?q=" + user.IessId))
            {
                Assert.True(search.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, search.StatusCode.ToString());
            }

            using (var status = await http.GetAsync($"/api/admin/accounts/{user.Id}"))
            {
                Assert.True(status.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, status.StatusCode.ToString());
                Assert.DoesNotContain(user.IessId, await status.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            foreach (var action in posts)
            {
                using var response = await fixture.PostAsync(token!, user.Id, action, new { reason = Reason }, "\"" + user.ConcurrencyStamp + "\"");
                Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{action}: {response.StatusCode}");
            }
        }

        var after = await fixture.ReadAsync(user.Id);
        Assert.Equal(user.SecurityStamp, after.SecurityStamp);
        Assert.Equal(17, after.SecurityImageId);
    }

    [Fact]
    public async Task TwoOfficersWithTheSameVersion_TheSecondGets409WithTheCurrentState()
    {
        var (user, _) = await fixture.AffiliateAsync();
        var (_, etag) = await fixture.StatusAsync(fixture.Supervisor, user.Id);

        using var first = await fixture.PostAsync(fixture.Supervisor, user.Id, "reset-security-profile", new { reason = Reason }, etag);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotEqual(etag, first.Headers.ETag!.Tag);

        using var second = await fixture.PostAsync(fixture.SecondSupervisor, user.Id, "unlock-recovery", new { reason = Reason }, etag);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var problem = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("current").GetProperty("mustChooseSecurityProfile").GetBoolean());
        Assert.Equal(first.Headers.ETag!.Tag.Trim('"'), problem.GetProperty("current").GetProperty("version").GetString());
        Assert.Equal(0, await fixture.DbAsync(db => db.AuditEvents.CountAsync(e => e.Subject == user.Id && e.Type == "admin.recovery.unlocked")));
    }

    [Fact]
    public async Task InvalidInput_GetsProblemDetails_AndChangesNothing()
    {
        var (user, _) = await fixture.AffiliateAsync();
        var (_, etag) = await fixture.StatusAsync(fixture.Supervisor, user.Id);
        var evidence = new { documentType = "cedula", documentNumber = user.IessId, serviceCentre = "Quito Norte" };

        using var http = fixture.Api(fixture.Helpdesk);
        using (var badCedula = await http.GetAsync("/api/admin/accounts?q=1710034064"))
        {
            await AssertProblemAsync(badCedula, HttpStatusCode.BadRequest, "q");
        }

        using (var badEmail = await fixture.PostAsync(fixture.Supervisor, user.Id, "official-update", new { reason = Reason, email = "javascript:alert(1)", evidence }, etag))
        {
            await AssertProblemAsync(badEmail, HttpStatusCode.BadRequest, "email");
        }

        using (var noEvidence = await fixture.PostAsync(fixture.Supervisor, user.Id, "official-update", new { reason = Reason, email = "nuevo@example.ec" }, etag))
        {
            await AssertProblemAsync(noEvidence, HttpStatusCode.BadRequest, "evidence.documentType");
        }

        using (var noReason = await fixture.PostAsync(fixture.Helpdesk, user.Id, "unlock", new { }, etag))
        {
            await AssertProblemAsync(noReason, HttpStatusCode.BadRequest, "reason");
        }

        using (var notJson = await http.PostAsync($"/api/admin/accounts/{user.Id}/unlock", new StringContent("{\"reason\":", System.Text.Encoding.UTF8, "application/json")))
        {
            await AssertProblemAsync(notJson, HttpStatusCode.BadRequest, "body");
        }

        using (var noVersion = await fixture.PostAsync(fixture.Helpdesk, user.Id, "unlock", new { reason = Reason }, null))
        {
            Assert.Equal(HttpStatusCode.PreconditionRequired, noVersion.StatusCode);
            Assert.Equal("application/problem+json", noVersion.Content.Headers.ContentType?.MediaType);
        }

        var after = await fixture.ReadAsync(user.Id);
        Assert.Equal(user.ConcurrencyStamp, after.ConcurrencyStamp);
        Assert.Equal(user.Email, after.Email);
        Assert.Equal(0, await fixture.DbAsync(db => db.AccountFlows.CountAsync(f => f.UserId == user.Id)));
        Assert.Equal(0, await fixture.DbAsync(db => db.OutboxMessages.CountAsync(m => m.UserId == user.Id)));
    }

    [Fact]
    public async Task Search_FindsByCedulaAndByPartialNameWithoutAccents()
    {
        var (user, _) = await fixture.AffiliateAsync();
        using var http = fixture.Api(fixture.Helpdesk);

        var byCedula = await http.GetFromJsonAsync<JsonElement>("/api/admin/accounts?q=" + user.IessId);
        Assert.Equal(user.Id, Assert.Single(byCedula.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());

        var byName = await http.GetFromJsonAsync<JsonElement>("/api/admin/accounts?pageSize=100&q=" + Uri.EscapeDataString("ROSA guaman"));
        Assert.Contains(byName.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == user.Id);

        var byEmail = await http.GetFromJsonAsync<JsonElement>("/api/admin/accounts?q=" + Uri.EscapeDataString(user.Email!.ToUpperInvariant()));
        Assert.Equal(user.Id, Assert.Single(byEmail.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Unlock_LetsALockedAffiliateSignIn_AndIsAuditedWithTheOfficerAndReason()
    {
        var (user, password) = await fixture.AffiliateAsync();
        await using (var scope = fixture.Server.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
            var account = (await users.FindByIdAsync(user.Id))!;
            await users.SetLockoutEndDateAsync(account, DateTimeOffset.UtcNow.AddMinutes(15));
        }

        Assert.Equal("/Login", await SignInLandsOnAsync(user.IessId, password));
        var (status, etag) = await fixture.StatusAsync(fixture.Helpdesk, user.Id);
        Assert.True(status.GetProperty("lockedOut").GetBoolean());

        using var unlock = await fixture.PostAsync(fixture.Helpdesk, user.Id, "unlock", new { reason = Reason }, etag);
        Assert.Equal(HttpStatusCode.OK, unlock.StatusCode);
        Assert.False((await unlock.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lockedOut").GetBoolean());

        Assert.Equal("/", await SignInLandsOnAsync(user.IessId, password));
        var officer = await OfficerIdAsync(fixture.Helpdesk);
        var audit = await fixture.DbAsync(db => db.AuditEvents.SingleAsync(e => e.Subject == user.Id && e.Type == "admin.account.unlocked"));
        Assert.Equal(officer, audit.Actor);
        Assert.Contains(Reason, audit.Detail, StringComparison.Ordinal);
        Assert.NotNull(audit.IpAddress);
    }

    [Fact]
    public async Task ResetSecurityProfile_MakesThePersonChooseANewOneAtTheNextSignIn_ThenTheAppGetsItsCode()
    {
        var (user, password) = await fixture.AffiliateAsync();
        var (_, etag) = await fixture.StatusAsync(fixture.Supervisor, user.Id);
        using (var reset = await fixture.PostAsync(fixture.Supervisor, user.Id, "reset-security-profile", new { reason = Reason }, etag))
        {
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
            var status = await reset.Content.ReadFromJsonAsync<JsonElement>();
            Assert.False(status.GetProperty("securityProfileSet").GetBoolean());
            Assert.True(status.GetProperty("mustChooseSecurityProfile").GetBoolean());
        }

        Assert.Equal(0, await fixture.DbAsync(db => db.SecurityAnswers.CountAsync(a => a.UserId == user.Id)));
        Assert.Null((await fixture.ReadAsync(user.Id)).SecurityImageId);

        using var browser = new BrowserlessSignIn(fixture.Server.BaseAddress);
        var authorize = QueryHelpers.AddQueryString(new Uri(fixture.Server.BaseAddress, "/connect/authorize").ToString(), new Dictionary<string, string?>
        {
            ["client_id"] = DemoAccounts.PublicClientId, ["redirect_uri"] = DemoAccounts.PublicRedirectUri, ["response_type"] = "code",
            ["scope"] = "openid", ["code_challenge"] = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", ["code_challenge_method"] = "S256", ["state"] = "s",
        });
        var login = await browser.NavigateAsync(authorize, DemoAccounts.PublicRedirectUri);
        var choose = await browser.SubmitPasswordAsync(login, user.IessId, password, DemoAccounts.PublicRedirectUri);
        Assert.Null(choose.Callback);
        Assert.Equal("/Login/SecurityProfile", choose.Address.AbsolutePath);

        // Going straight back to the app does not get around it.
        var again = await browser.NavigateAsync(authorize, DemoAccounts.PublicRedirectUri);
        Assert.Null(again.Callback);
        Assert.Equal("/Login/SecurityProfile", again.Address.AbsolutePath);

        var incomplete = await browser.SubmitAsync(choose, new Dictionary<string, string?> { ["Image"] = "5" }, DemoAccounts.PublicRedirectUri);
        Assert.NotNull(incomplete.Document.QuerySelector("#choose-profile-error"));

        var done = await browser.SubmitAsync(choose, new Dictionary<string, string?>
        {
            ["Image"] = "5", ["QuestionIds[0]"] = "1", ["QuestionIds[1]"] = "2", ["QuestionIds[2]"] = "3",
            ["Answers[0]"] = "Loja", ["Answers[1]"] = "Pelusa", ["Answers[2]"] = "Colegio Mejía",
        }, DemoAccounts.PublicRedirectUri);
        Assert.NotNull(done.Callback);
        Assert.Contains("code=", done.Callback!.Query, StringComparison.Ordinal);

        var after = await fixture.ReadAsync(user.Id);
        Assert.False(after.MustChooseSecurityProfile);
        Assert.Equal(5, after.SecurityImageId);
        Assert.Equal(3, await fixture.DbAsync(db => db.SecurityAnswers.CountAsync(a => a.UserId == user.Id)));
    }

    [Fact]
    public async Task OfficialUpdate_SendsACodeToTheNewAddress_ANoticeToTheOld_AndTheCodeConfirmsOnce()
    {
        var (user, _) = await fixture.AffiliateAsync();
        var oldEmail = user.Email!;
        var newEmail = $"nuevo.{user.IessId}@example.ec";
        var (_, etag) = await fixture.StatusAsync(fixture.Supervisor, user.Id);
        var evidence = new { documentType = "cedula", documentNumber = user.IessId, serviceCentre = "Quito Norte" };

        using (var update = await fixture.PostAsync(fixture.Supervisor, user.Id, "official-update", new { reason = Reason, email = newEmail, evidence }, etag))
        {
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
            var status = await update.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(oldEmail, status.GetProperty("email").GetString());
            Assert.Equal(newEmail, Assert.Single(status.GetProperty("pendingContacts").EnumerateArray()).GetProperty("email").GetString());
        }

        var codeMail = await fixture.Smtp.WaitForAsync(m => m.To.ToString().Contains(newEmail, StringComparison.Ordinal));
        var code = SixDigits().Match(codeMail.TextBody ?? "").Value;
        Assert.Equal(6, code.Length);
        var notice = await fixture.Smtp.WaitForAsync(m => m.To.ToString().Contains(oldEmail, StringComparison.Ordinal) && (m.Subject ?? "").Contains("funcionario", StringComparison.Ordinal));
        Assert.DoesNotContain(code, notice.TextBody, StringComparison.Ordinal);
        Assert.Contains("Quito Norte", notice.TextBody, StringComparison.Ordinal);
        Assert.Equal(oldEmail, (await fixture.ReadAsync(user.Id)).Email);
        var flowId = await fixture.DbAsync(db => db.AccountFlows.Where(f => f.UserId == user.Id && f.Kind == FlowKind.OfficialUpdate).Select(f => f.Id).SingleAsync());
        Assert.Equal(flowId, await fixture.DbAsync(db => db.OutboxMessages.Where(m => m.Recipient == newEmail).Select(m => m.FlowId).SingleAsync()));

        using var person = new FormClient(fixture.Server.BaseAddress);
        var wrong = await person.SubmitAsync("/Profile/Confirm", new Dictionary<string, string> { ["Identifier"] = user.IessId, ["Code"] = code == "000000" ? "111111" : "000000" });
        Assert.Contains("id=\"profile-error\"", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(oldEmail, (await fixture.ReadAsync(user.Id)).Email);

        var right = await person.SubmitAsync("/Profile/Confirm", new Dictionary<string, string> { ["Identifier"] = user.IessId, ["Code"] = code });
        Assert.Contains("id=\"profile-notice\"", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var after = await fixture.ReadAsync(user.Id);
        Assert.Equal(newEmail, after.Email);
        Assert.True(after.EmailConfirmed);

        var replay = await person.SubmitAsync("/Profile/Confirm", new Dictionary<string, string> { ["Identifier"] = user.IessId, ["Code"] = code });
        Assert.Contains("id=\"profile-error\"", await replay.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var audit = await fixture.DbAsync(db => db.AuditEvents.Where(e => e.Subject == user.Id && e.Type.StartsWith("admin.official_update")).Select(e => e.Type + ":" + e.Outcome).ToListAsync());
        Assert.Contains("admin.official_update.requested:success", audit);
        Assert.Contains("admin.official_update.confirmed:success", audit);
    }

    [Fact]
    public async Task OfficialUpdateOfThePhone_SendsAnSmsCode_AndTheLinkIsNotNeeded()
    {
        var (user, _) = await fixture.AffiliateAsync();
        var (_, etag) = await fixture.StatusAsync(fixture.Supervisor, user.Id);
        var phone = "+5939" + Random.Shared.Next(80_000_000, 99_999_999);
        var evidence = new { documentType = "passport", documentNumber = "A1234567", serviceCentre = "Guayaquil Centro" };

        using (var update = await fixture.PostAsync(fixture.Supervisor, user.Id, "official-update", new { reason = Reason, phone, evidence }, etag))
        {
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        }

        var sms = await fixture.Sms.WaitForAsync(phone);
        var code = SixDigits().Match(sms.Text).Value;
        using var person = new FormClient(fixture.Server.BaseAddress);
        var right = await person.SubmitAsync("/Profile/Confirm", new Dictionary<string, string> { ["Identifier"] = user.IessId, ["Code"] = code });
        Assert.Contains("id=\"profile-notice\"", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var after = await fixture.ReadAsync(user.Id);
        Assert.Equal(phone, after.PhoneNumber);
        Assert.True(after.PhoneNumberConfirmed);
    }

    [Fact]
    public async Task RevokeSessions_EndsTheRefreshTokens()
    {
        var (user, password) = await fixture.AffiliateAsync();
        var tokens = await PublicClientTokens.TokensAsync(fixture.Server.BaseAddress, new SignInAnswers(user.IessId, password), "openid offline_access");
        var (_, etag) = await fixture.StatusAsync(fixture.Supervisor, user.Id);

        using var revoke = await fixture.PostAsync(fixture.Supervisor, user.Id, "revoke-sessions", new { reason = Reason }, etag);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal("invalid_grant", await PublicClientTokens.RefreshErrorAsync(fixture.Server.BaseAddress, tokens.GetProperty("refresh_token").GetString()!));
        Assert.NotEqual(user.SecurityStamp, (await fixture.ReadAsync(user.Id)).SecurityStamp);
    }

    [Fact]
    public async Task ResendVerification_MailsACodeToTheUnverifiedEmail_AndTheCodeVerifiesIt()
    {
        var (user, _) = await fixture.AffiliateAsync();
        var unverified = $"sinverificar.{user.IessId}@example.ec";
        await using (var scope = fixture.Server.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
            var account = (await users.FindByIdAsync(user.Id))!;
            Assert.True((await users.SetEmailAsync(account, unverified)).Succeeded);
        }

        var (_, etag) = await fixture.StatusAsync(fixture.Helpdesk, user.Id);
        using (var resend = await fixture.PostAsync(fixture.Helpdesk, user.Id, "resend-verification", new { reason = Reason }, etag))
        {
            Assert.Equal(HttpStatusCode.OK, resend.StatusCode);
        }

        var mail = await fixture.Smtp.WaitForAsync(m => m.To.ToString().Contains(unverified, StringComparison.Ordinal));
        using var person = new FormClient(fixture.Server.BaseAddress);
        var right = await person.SubmitAsync("/Profile/Confirm", new Dictionary<string, string> { ["Identifier"] = user.IessId, ["Code"] = SixDigits().Match(mail.TextBody ?? "").Value });
        Assert.Contains("id=\"profile-notice\"", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True((await fixture.ReadAsync(user.Id)).EmailConfirmed);
    }

    [Fact]
    public async Task LegalRepresentative_OnlyForEmployers_WithAValidCedula()
    {
        var employer = await fixture.DbAsync(db => db.Users.AsNoTracking().FirstAsync(u => u.IessId == DemoAccounts.EmployerRuc && u.Branch == "0002"));
        var (_, etag) = await fixture.StatusAsync(fixture.Supervisor, employer.Id);

        using (var bad = await fixture.PostAsync(fixture.Supervisor, employer.Id, "legal-representative", new { reason = Reason, cedula = "1710034064", name = "Ana Lucía Torres" }, etag))
        {
            await AssertProblemAsync(bad, HttpStatusCode.BadRequest, "cedula");
        }

        var (affiliate, _) = await fixture.AffiliateAsync();
        var (_, affiliateTag) = await fixture.StatusAsync(fixture.Supervisor, affiliate.Id);
        using (var notEmployer = await fixture.PostAsync(fixture.Supervisor, affiliate.Id, "legal-representative", new { reason = Reason, cedula = "1710034065", name = "Ana Lucía Torres" }, affiliateTag))
        {
            await AssertProblemAsync(notEmployer, HttpStatusCode.BadRequest, "account");
        }

        using var good = await fixture.PostAsync(fixture.Supervisor, employer.Id, "legal-representative", new { reason = Reason, cedula = "1710034065", name = "Ana Lucía Torres" }, etag);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        var status = await good.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("1710034065", status.GetProperty("legalRepresentative").GetProperty("cedula").GetString());
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}: {problem}");
    }

    private async Task<string> SignInLandsOnAsync(string cedula, string password)
    {
        using var browser = new BrowserlessSignIn(fixture.Server.BaseAddress);
        var page = await browser.NavigateAsync("/Login?ReturnUrl=%2F", "none:");
        var after = await browser.SubmitPasswordAsync(page, cedula, password, "none:");
        return after.Address.AbsolutePath;
    }

    private async Task<string> OfficerIdAsync(string token)
    {
        using var http = fixture.Api(token);
        return (await http.GetFromJsonAsync<JsonElement>("/api/admin/me")).GetProperty("userId").GetString()!;
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
