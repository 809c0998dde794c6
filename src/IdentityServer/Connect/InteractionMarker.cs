using System.Globalization;
using System.Security.Cryptography;
using Iess.Identity.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Iess.Identity.Connect;

/// <summary>
/// Remembers, in a protected cookie, when the browser was sent to the sign-in or consent page for one authorization
/// request that demands a fresh interaction (prompt=login, max_age, prompt=consent). A sign-in or a consent given
/// after that moment answers exactly that request; without this the request would send the person back to the page
/// forever (max_age=0, prompt=consent, or prompt=login inside a pushed request, where it cannot be removed).
/// </summary>
public sealed class InteractionMarker(IDataProtectionProvider protection, IOptions<HostingOptions> hosting, TimeProvider time)
{
    private const string CookieName = "iess.interaction";
    private readonly IDataProtector protector = protection.CreateProtector("Iess.Connect.Interaction");

    /// <summary>Records now as the moment the browser left for a page, for the request that returns to <paramref name="returnUrl"/>.</summary>
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

    /// <summary>
    /// When the browser was first sent to a page for this very request, rounded down to the whole second (the session
    /// cookie keeps its issue time in whole seconds); null when it was not.
    /// </summary>
    public DateTimeOffset? MarkedAt(HttpContext http)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName, out var cookie))
        {
            return null;
        }

        string value;
        try
        {
            value = protector.Unprotect(cookie);
        }
        catch (CryptographicException)
        {
            return null;
        }

        var separator = value.IndexOf('|', StringComparison.Ordinal);
        if (separator < 0 || !long.TryParse(value[..separator], NumberStyles.Integer, CultureInfo.InvariantCulture, out var markedAt)
            || value[(separator + 1)..] != Canonical(http.Request.PathBase + http.Request.Path + http.Request.QueryString))
        {
            return null;
        }

        return DateTimeOffset.FromUnixTimeMilliseconds(markedAt - markedAt % 1000);
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
