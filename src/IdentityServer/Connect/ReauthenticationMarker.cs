using System.Globalization;
using System.Security.Cryptography;
using Iess.Identity.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Connect;

/// <summary>
/// Remembers, in a protected cookie, that the browser was sent to sign in again for one authorization request
/// (prompt=login, max_age). A session started after that moment satisfies exactly that request; without this the
/// request would send the person back to the form forever (max_age=0, or prompt=login inside a pushed request).
/// </summary>
public sealed class ReauthenticationMarker(IDataProtectionProvider protection, IOptions<HostingOptions> hosting, TimeProvider time)
{
    private const string CookieName = "iess.reauth";
    private readonly IDataProtector protector = protection.CreateProtector("Iess.Connect.Reauthentication");

    /// <summary>Records now as the moment the browser was sent to sign in for the request that returns to <paramref name="returnUrl"/>.</summary>
    public void Mark(HttpContext http, string returnUrl)
    {
        var value = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) + "|" + Canonical(returnUrl);
        http.Response.Cookies.Append(CookieName, protector.Protect(value), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = hosting.Value.SecureCookies || http.Request.IsHttps,
            Path = http.Request.PathBase + ConnectEndpoints.AuthorizePath,
            IsEssential = true,
        });
    }

    /// <summary>True when the session was issued after the browser was sent to sign in for this very request.</summary>
    public bool SatisfiedBy(HttpContext http, DateTimeOffset? sessionIssued)
    {
        if (sessionIssued is not { } issued || !http.Request.Cookies.TryGetValue(CookieName, out var cookie))
        {
            return false;
        }

        string value;
        try
        {
            value = protector.Unprotect(cookie);
        }
        catch (CryptographicException)
        {
            return false;
        }

        var separator = value.IndexOf('|', StringComparison.Ordinal);
        if (separator < 0 || !long.TryParse(value[..separator], NumberStyles.Integer, CultureInfo.InvariantCulture, out var askedAt)
            || value[(separator + 1)..] != Canonical(http.Request.PathBase + http.Request.Path + http.Request.QueryString))
        {
            return false;
        }

        // The session cookie keeps its issue time in whole seconds, so compare at that precision.
        return issued.ToUnixTimeMilliseconds() >= askedAt - askedAt % 1000;
    }

    private static string Canonical(string url)
    {
        var index = url.IndexOf('?', StringComparison.Ordinal);
        if (index < 0)
        {
            return url;
        }

        var pairs = QueryHelpers.ParseQuery(url[index..])
            .SelectMany(p => p.Value.Select(v => p.Key + "=" + v))
            .Order(StringComparer.Ordinal);
        return url[..index] + "?" + string.Join('\n', pairs);
    }
}
