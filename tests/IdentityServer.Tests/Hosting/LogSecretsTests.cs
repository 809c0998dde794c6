using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Iess.Identity.Accounts;
using Iess.Identity.Hosting;
using Iess.Identity.Tests.Employers;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Iess.Identity.Tests.Hosting;

/// <summary>
/// With every category logging at Debug, the main flows (officer sign-in with password and TOTP, code exchange with a
/// client secret, refresh, userinfo, introspection, revocation, affiliate recovery by security answers + email code
/// and by SMS code, employer recovery by email link, activation, profile password change) leave none of their secrets
/// in any log line: passwords, codes, link tokens, security answers, client secrets, authorization codes and tokens.
/// </summary>
public sealed partial class LogSecretsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string AdminClient = "iess-admin";
    private const string AdminSecret = "iess-admin-secret-only-for-development-0123456789";
    private const string AdminRedirect = "http://localhost:5001/signin-oidc";
    private const string ImportedCedula = "0134206424";

    private readonly CapturedLogs logs = new();
    private readonly TestSmtpServer smtp = new();
    private readonly HashSet<string> secrets = new(StringComparer.Ordinal);
    private TestSmsGateway sms = null!;
    private IessServerFactory server = null!;

    [Fact]
    public async Task MainFlowsAtDebug_LogNoPasswordCodeTokenOrAnswer()
    {
        await SignInsAndTokensAsync();
        await RecoveryByAnswersAndEmailCodeAsync();
        await RecoveryBySmsCodeAsync();
        await EmployerRecoveryByLinkAsync();
        await ActivationAsync();
        await ProfilePasswordChangeAsync();

        foreach (var message in smtp.Received)
        {
            Remember(MailCodes().Matches(message.TextBody ?? "").Select(m => m.Groups[1].Value));
            Remember(LinkTokens().Matches(message.TextBody ?? "").Select(m => m.Groups[1].Value));
        }

        Remember(sms.Received.SelectMany(s => SixDigits().Matches(s.Text).Select(m => m.Value)));
        var lines = logs.Lines;
        output.WriteLine($"{lines.Count} log lines checked for {secrets.Count} secrets.");
        Assert.True(lines.Count > 1000, $"Only {lines.Count} log lines: is Debug logging on?");
        var leaks = (from secret in secrets
                     from line in lines
                     where Contains(line, secret)
                     select $"{secret[..Math.Min(6, secret.Length)]}…: {line}").Take(20).ToList();
        Assert.True(leaks.Count == 0, "Secrets in the logs:\n" + string.Join("\n", leaks));

        // Requests are still logged (method, path, status, duration), the link's visit included.
        Assert.Contains(lines, l => l.Contains("HttpLoggingMiddleware", StringComparison.Ordinal) && l.Contains("/Employer/Recovery/Link", StringComparison.Ordinal));
    }

    public async Task InitializeAsync()
    {
        sms = await TestSmsGateway.StartAsync();
        server = new IessServerFactory()
            .WithSettings(smtp.AppSettings)
            .WithSettings(sms.AppSettings)
            .WithSetting("Logging:LogLevel:Default", "Debug")
            .WithSetting("Logging:LogLevel:Microsoft", "Debug")
            .WithSetting("Logging:LogLevel:Microsoft.AspNetCore", "Debug")
            .WithSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Debug")
            .WithSetting("Logging:LogLevel:OpenIddict", "Debug")
            .WithSetting("Logging:LogLevel:System", "Debug")
            .WithServices(s => s.AddSingleton<ILoggerProvider>(logs));
        Remember([DemoAccounts.AffiliatePassword, DemoAccounts.SecondAffiliatePassword, DemoAccounts.OfficerPassword, DemoAccounts.EmployerPassword]);
        Remember([DemoAccounts.OfficerTotpSecret, AdminSecret, DemoAccounts.ConfidentialClientSecret, TestSmsGateway.ApiKey]);
        Remember(DevelopmentSeeder.DemoSecurityAnswers.Values);

        var file = Path.Combine(server.Folder, "registry.csv");
        await File.WriteAllTextAsync(file, AffiliateImporter.Header + "\n" + $"{ImportedCedula},Rosa Elena,Guamán Quispe,1979-07-21,,\n");
        await using var scope = server.CreateScope();
        var report = await ActivatorUtilities.CreateInstance<AffiliateImporter>(scope.ServiceProvider).ImportAsync(file, CancellationToken.None);
        Assert.True(report.Succeeded, string.Join(" | ", report.Lines));
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await sms.DisposeAsync();
        await smtp.DisposeAsync();
    }

    /// <summary>
    /// The officer signs in to the admin console (password, then TOTP), which reads the admin API, introspects and revokes;
    /// an affiliate signs in to the confidential demo app (consent), which redeems its code and refreshes.
    /// </summary>
    private async Task SignInsAndTokensAsync()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        Remember(BrowserlessSignIn.Totp(DemoAccounts.OfficerTotpSecret));
        var officer = await CodeFlowAsync(http, AdminClient, AdminSecret, AdminRedirect, "openid profile iess.admin", SignInAnswers.Officer);
        Remember(BrowserlessSignIn.Totp(DemoAccounts.OfficerTotpSecret));
        var accessToken = officer.GetProperty("access_token").GetString()!;
        using var adminApi = new HttpRequestMessage(HttpMethod.Get, "/api/admin/accounts?query=1710034065");
        adminApi.Headers.Authorization = new("Bearer", accessToken);
        await http.SendAsync(adminApi);
        var introspection = await PostAsync(http, "/connect/introspect", new() { ["client_id"] = AdminClient, ["client_secret"] = AdminSecret, ["token"] = accessToken });
        Assert.True(introspection.GetProperty("active").GetBoolean());
        await PostAsync(http, "/connect/revoke", new() { ["client_id"] = AdminClient, ["client_secret"] = AdminSecret, ["token"] = accessToken });

        var affiliate = await CodeFlowAsync(http, DemoAccounts.ConfidentialClientId, DemoAccounts.ConfidentialClientSecret, DemoAccounts.ConfidentialRedirectUri,
            "openid profile offline_access iess.identity", SignInAnswers.Affiliate);
        var refreshed = await PostAsync(http, "/connect/token", new()
        {
            ["grant_type"] = "refresh_token", ["client_id"] = DemoAccounts.ConfidentialClientId, ["client_secret"] = DemoAccounts.ConfidentialClientSecret,
            ["refresh_token"] = affiliate.GetProperty("refresh_token").GetString()!,
        });
        RememberTokens(refreshed);
        using var userinfo = new HttpRequestMessage(HttpMethod.Get, "/connect/userinfo");
        userinfo.Headers.Authorization = new("Bearer", refreshed.GetProperty("access_token").GetString());
        (await http.SendAsync(userinfo)).EnsureSuccessStatusCode();
    }

    /// <summary>Authorization code + PKCE through the sign-in pages, then the code redeemed with the client secret.</summary>
    private async Task<JsonElement> CodeFlowAsync(HttpClient http, string clientId, string secret, string redirectUri, string scope, SignInAnswers answers)
    {
        var verifier = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var authorize = QueryHelpers.AddQueryString(new Uri(server.BaseAddress, "/connect/authorize").ToString(), new Dictionary<string, string?>
        {
            ["client_id"] = clientId, ["redirect_uri"] = redirectUri, ["response_type"] = "code", ["scope"] = scope,
            ["code_challenge"] = WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))), ["code_challenge_method"] = "S256",
            ["state"] = "s", ["nonce"] = "n",
        });
        using var browser = new BrowserlessSignIn(server.BaseAddress);
        var callback = await browser.AuthorizeAsync(authorize, redirectUri, answers);
        // The PKCE verifier is not counted: OpenIddict prints it when it logs a token request at Information, and it is
        // worthless once the single-use code it goes with (which OpenIddict redacts, and which is checked here) is redeemed.
        var code = Remember(QueryHelpers.ParseQuery(callback.Query)["code"].ToString());
        var tokens = await PostAsync(http, "/connect/token", new()
        {
            ["grant_type"] = "authorization_code", ["client_id"] = clientId, ["client_secret"] = secret, ["code"] = code,
            ["redirect_uri"] = redirectUri, ["code_verifier"] = verifier,
        });
        RememberTokens(tokens);
        return tokens;
    }

    private async Task RecoveryByAnswersAndEmailCodeAsync()
    {
        using var browser = new FormClient(server.BaseAddress);
        var recovery = new RecoveryDriver(browser);
        Assert.Equal("/Recovery/Know", RecoveryDriver.Location(await recovery.IdentifyAsync(DemoAccounts.AffiliateCedula)));
        var asked = QuestionIds().Matches(await browser.Http.GetStringAsync("/Recovery/Know")).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("/Recovery/Image", RecoveryDriver.Location(await recovery.AnswersAsync(asked.ToDictionary(id => id, id => DevelopmentSeeder.DemoSecurityAnswers[id]))));
        Assert.Equal("/Recovery/Channel", RecoveryDriver.Location(await recovery.PickImageAsync(DevelopmentSeeder.DemoSecurityImage)));
        Assert.Equal("/Recovery/Code", RecoveryDriver.Location(await recovery.ChooseChannelAsync("Email")));
        var mail = await smtp.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address == "maria.perez@example.ec") && (m.Subject ?? "").Contains("recuperar", StringComparison.Ordinal));
        Assert.Equal("/Recovery/Reset", RecoveryDriver.Location(await recovery.CodeAsync(MailCodes().Match(mail.TextBody!).Groups[1].Value)));
        Assert.Equal("/Recovery/Done", RecoveryDriver.Location(await recovery.ResetAsync(Remember("Nueva-Clave-Volcanes-2027"))));
    }

    private async Task RecoveryBySmsCodeAsync()
    {
        using var browser = new FormClient(server.BaseAddress);
        var recovery = new RecoveryDriver(browser);
        Assert.Equal("/Recovery/Know", RecoveryDriver.Location(await recovery.IdentifyAsync(DemoAccounts.AffiliateCedula)));
        Assert.Equal("/Recovery/Image", RecoveryDriver.Location(await recovery.DateOfBirthAsync("1985-03-14")));
        Assert.Equal("/Recovery/Channel", RecoveryDriver.Location(await recovery.PickImageAsync(DevelopmentSeeder.DemoSecurityImage)));
        Assert.Equal("/Recovery/Code", RecoveryDriver.Location(await recovery.ChooseChannelAsync("Sms")));
        var message = await sms.WaitForAsync("+593991234567");
        Assert.Equal("/Recovery/Reset", RecoveryDriver.Location(await recovery.CodeAsync(SixDigits().Match(message.Text).Value)));
        Assert.Equal("/Recovery/Done", RecoveryDriver.Location(await recovery.ResetAsync(Remember("Otra-Clave-Chimborazo-2028"))));
    }

    private async Task EmployerRecoveryByLinkAsync()
    {
        using var browser = new FormClient(server.BaseAddress);
        Assert.Equal("/Employer/Recovery/Code", EmployerDriver.Location(await new EmployerDriver(browser).IdentifyAsync(DemoAccounts.EmployerRuc, "0001", "1713175071")));
        var mail = await smtp.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address == "talento.humano0001@example.ec"));
        using var phone = new FormClient(server.BaseAddress);
        var onPhone = new EmployerDriver(phone);
        Assert.Equal("/Employer/Recovery/Reset", EmployerDriver.Location(await onPhone.ConfirmLinkAsync(EmployerDriver.Link(mail))));
        Assert.Equal("/Employer/Recovery/Done", EmployerDriver.Location(await onPhone.ResetAsync(Remember("Orquidea-Tungurahua-Salinas-47"))));
    }

    private async Task ActivationAsync()
    {
        using var browser = new FormClient(server.BaseAddress);
        Assert.Equal("/Activate/Know", RecoveryDriver.Location(await new RecoveryDriver(browser).IdentifyAsync(ImportedCedula, "/Activate")));
        Assert.Equal("/Activate/Email", RecoveryDriver.Location(await browser.SubmitAsync("/Activate/Know", new Dictionary<string, string> { ["DateOfBirth"] = "1979-07-21" })));
        Assert.Equal("/Activate/EmailCode", RecoveryDriver.Location(await browser.SubmitAsync("/Activate/Email", new Dictionary<string, string> { ["Email"] = "rosa.guaman@example.ec" })));
        var mail = await smtp.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address == "rosa.guaman@example.ec"));
        Assert.Equal("/Activate/Phone", RecoveryDriver.Location(await browser.SubmitAsync("/Activate/EmailCode", new Dictionary<string, string> { ["Code"] = MailCodes().Match(mail.TextBody!).Groups[1].Value })));
        Assert.Equal("/Activate/Profile", RecoveryDriver.Location(await browser.SubmitAsync("/Activate/Phone", new Dictionary<string, string>(), "/Activate/Phone?handler=Skip")));
        var password = Remember("Montaña-Rio-Colibrí-79");
        Assert.Equal("/Activate/Done", RecoveryDriver.Location(await browser.SubmitAsync("/Activate/Profile", new Dictionary<string, string>
        {
            ["Image"] = "12",
            ["QuestionIds[0]"] = "4", ["Answers[0]"] = Remember("Segundo Quishpe"),
            ["QuestionIds[1]"] = "6", ["Answers[1]"] = Remember("Costurera"),
            ["QuestionIds[2]"] = "11", ["Answers[2]"] = Remember("Fanesca"),
            ["Password"] = password, ["Confirmation"] = password,
        })));
    }

    private async Task ProfilePasswordChangeAsync()
    {
        using var browser = new FormClient(server.BaseAddress);
        Assert.Equal("/", RecoveryDriver.Location(await browser.SignInAsync(DemoAccounts.SecondAffiliateCedula, DemoAccounts.SecondAffiliatePassword)));
        var replacement = Remember("Nueva-Clave-Pichincha-2027");
        var changed = await browser.SubmitAsync("/Profile/Password", new Dictionary<string, string>
        {
            ["Current"] = DemoAccounts.SecondAffiliatePassword, ["Password"] = replacement, ["Confirmation"] = replacement,
        });
        Assert.Contains("Su clave fue cambiada", await changed.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, Dictionary<string, string> form)
    {
        using var response = await http.PostAsync(path, new FormUrlEncodedContent(form));
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement;
        Assert.True(response.IsSuccessStatusCode, $"{path}: {body}");
        return body;
    }

    private void RememberTokens(JsonElement response) =>
        Remember(new[] { "access_token", "refresh_token", "id_token" }.Where(n => response.TryGetProperty(n, out _)).Select(n => response.GetProperty(n).GetString()!));

    private string Remember(string secret)
    {
        secrets.Add(secret);
        return secret;
    }

    private void Remember(IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            secrets.Add(value);
        }
    }

    /// <summary>Whole-value match: a 6-digit code counts only where it is not part of a longer number or hex string.</summary>
    private static bool Contains(string line, string secret) =>
        secret.Length > 6
            ? line.Contains(secret, StringComparison.Ordinal) || (secret.Contains(' ', StringComparison.Ordinal) is false && line.Contains(Uri.EscapeDataString(secret), StringComparison.Ordinal))
            : Regex.IsMatch(line, $"(?<![0-9A-Fa-f.]){Regex.Escape(secret)}(?![0-9A-Fa-f])");

    [GeneratedRegex(@"código de verificación es: (\d{6})")]
    private static partial Regex MailCodes();

    [GeneratedRegex(@"[?&]token=([A-Za-z0-9_\-]+)")]
    private static partial Regex LinkTokens();

    [GeneratedRegex(@"(?<!\d)\d{6}(?!\d)")]
    private static partial Regex SixDigits();

    [GeneratedRegex("name=\"Answers\\[(\\d+)\\]\"")]
    private static partial Regex QuestionIds();
}
