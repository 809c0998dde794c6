using Microsoft.AspNetCore.WebUtilities;
using Microsoft.AspNetCore.Localization;

namespace Iess.Identity.Hosting;

/// <summary>
/// Honours OIDC's <c>ui_locales</c>: on the authorization request itself, or inside the ReturnUrl the sign-in
/// pages carry, the first supported language wins (es → es-EC, en → en).
/// </summary>
public sealed class UiLocalesCultureProvider : RequestCultureProvider
{
    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        var query = httpContext.Request.Query;
        var locales = query["ui_locales"].ToString();
        if (string.IsNullOrEmpty(locales) && query["ReturnUrl"].ToString() is { Length: > 0 } returnUrl)
        {
            var index = returnUrl.IndexOf('?', StringComparison.Ordinal);
            if (index >= 0)
            {
                locales = QueryHelpers.ParseQuery(returnUrl[index..]).TryGetValue("ui_locales", out var inner) ? inner.ToString() : "";
            }
        }

        foreach (var locale in locales.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var culture = locale.StartsWith("es", StringComparison.OrdinalIgnoreCase) ? "es-EC"
                : locale.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? "en"
                : null;
            if (culture is not null)
            {
                return Task.FromResult<ProviderCultureResult?>(new ProviderCultureResult(culture));
            }
        }

        return NullProviderCultureResult;
    }
}
