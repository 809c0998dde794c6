using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Primitives;

namespace Iess.Identity.Hosting;

/// <summary>
/// Refuses (400, Spanish error page) any page request whose <c>ReturnUrl</c> is not a plain local path, or that
/// carries two different ones: the pages already fall back to "/", but a link that tries to leave the site is an attack
/// and the person should see an error rather than a form that quietly drops its target. It runs before
/// authorization so an anonymous visitor is not sent through the sign-in page with the hostile URL.
/// </summary>
internal sealed class ReturnUrlGuard(RequestDelegate next)
{
    private const string Name = "ReturnUrl";

    public async Task InvokeAsync(HttpContext context)
    {
        // Protocol requests (OpenIddict has recognised the endpoint) carry no ReturnUrl of ours; re-executed error pages keep the original query.
        if (context.GetOpenIddictServerRequest() is null && context.Features.Get<IStatusCodeReExecuteFeature>() is null
            && context.Features.Get<IExceptionHandlerPathFeature>() is null)
        {
            var query = Given(context.Request.Query[Name]);
            var form = context.Request.HasFormContentType
                ? Given((await context.Request.ReadFormAsync(context.RequestAborted))[Name])
                : [];

            // A page's form posts back to its own address, so a sign-in started at /Login?ReturnUrl=X sends X in the
            // query and again in the hidden field: one value in each, if the same, is one ReturnUrl. The hidden field
            // is empty when the page was opened without one (plain /Login), which means "none", not a bad target.
            var repeated = query.Length > 1 || form.Length > 1 || (query.Length == 1 && form.Length == 1 && query[0] != form[0]);
            if (repeated || query.Concat(form).Any(value => !IsLocal(value)))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
        }

        await next(context);
    }

    private static string[] Given(StringValues values) => values.OfType<string>().Where(value => value.Length > 0).ToArray();

    /// <summary>The same rule as <c>IUrlHelper.IsLocalUrl</c> for rooted paths: no scheme, no authority, no control characters.</summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(c => char.IsControl(c) || c == '\uFFFD');
}
