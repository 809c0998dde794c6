using System.Net.Http.Headers;
using Iess.Identity.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace Iess.Identity.Tests.Infrastructure;

/// <summary>
/// Officers for admin API tests: each one created with its own cédula, roles and TOTP secret (so sign-ins in
/// parallel never replay each other's TOTP step), then signed in through the real authorize endpoint with the
/// console's client, the way src/Admin does it.
/// </summary>
public static class OfficerTokens
{
    public const string AdminClientId = "iess-admin";
    public const string AdminClientSecret = "iess-admin-secret-only-for-development-0123456789";
    public const string AdminRedirectUri = "http://localhost:5001/signin-oidc";
    public const string Password = "Oficial-Prueba-Segura-2026";

    /// <summary>A new officer holding exactly <paramref name="roles"/>; returns the cédula and the TOTP secret.</summary>
    public static async Task<(string Cedula, string TotpSecret)> CreateOfficerAsync(IessServerFactory server, params string[] roles)
    {
        var cedula = Tests.Accounts.TestIds.NewCedula();
        var secret = Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));
        await using var scope = server.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
        var officer = new IessUser
        {
            AccountType = AccountType.Officer, IessId = cedula, UserName = IessUser.AccountKey(AccountType.Officer, cedula),
            GivenNames = "Rosa Elena", FamilyNames = "Cevallos Mora", Email = $"oficial{cedula}@example.ec", EmailConfirmed = true,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        Check(await users.CreateAsync(officer, Password));
        if (roles.Length > 0)
        {
            Check(await users.AddToRolesAsync(officer, roles));
        }

        Check(await users.SetAuthenticationTokenAsync(officer, "[AspNetUserStore]", "AuthenticatorKey", secret));
        Check(await users.SetTwoFactorEnabledAsync(officer, true));
        return (cedula, secret);
    }

    /// <summary>An access token for a new officer with <paramref name="roles"/> (scope iess.admin).</summary>
    public static async Task<string> AccessTokenAsync(IessServerFactory server, params string[] roles)
    {
        var (cedula, secret) = await CreateOfficerAsync(server, roles);
        return await SignInAsync(server.BaseAddress, cedula, secret);
    }

    /// <summary>Signs an existing officer in (password + TOTP) with the console's client; returns the access token.</summary>
    public static async Task<string> SignInAsync(Uri server, string cedula, string totpSecret, string password = Password, string scope = "openid profile iess.identity iess.admin")
    {
        using var browser = new BrowserlessSignIn(server);
        return await SignInAsync(browser, cedula, totpSecret, password, scope);
    }

    /// <summary>The same, in a browser the caller keeps (its cookies then hold the officer's SSO session).</summary>
    public static async Task<string> SignInAsync(BrowserlessSignIn browser, string cedula, string totpSecret, string password = Password, string scope = "openid profile iess.identity iess.admin")
    {
        var server = browser.Server;
        var app = RelyingParty.Create(server, AdminClientId, AdminClientSecret, AdminRedirectUri, scope);
        var request = await app.PrepareLoginAsync();
        var form = await browser.NavigateAsync(request.StartUrl, AdminRedirectUri);
        var mfa = await browser.SubmitPasswordAsync(form, cedula, password, AdminRedirectUri);
        var done = await browser.SubmitAsync(mfa, new Dictionary<string, string?> { ["Code"] = BrowserlessSignIn.Totp(totpSecret) }, AdminRedirectUri);
        var login = await app.ProcessResponseAsync(done.Callback?.ToString() ?? throw new InvalidOperationException("The officer sign-in did not reach the console: " + done.Address), request);
        if (login.IsError)
        {
            throw new InvalidOperationException(login.Error + " " + login.ErrorDescription);
        }

        return login.AccessToken;
    }

    /// <summary>An HTTP client on the server that sends <paramref name="accessToken"/> as a bearer token.</summary>
    public static HttpClient Client(Uri server, string? accessToken)
    {
        var http = new HttpClient { BaseAddress = server };
        if (accessToken is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return http;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }
}
