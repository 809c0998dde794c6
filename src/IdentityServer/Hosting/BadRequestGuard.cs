using System.Text;
using System.Text.Encodings.Web;
using Microsoft.Extensions.Localization;

namespace Iess.Identity.Hosting;

/// <summary>
/// Turns malformed requests that surface as exceptions (bad form bodies, invalid encodings, oversize input, broken
/// chunking) into a 4xx instead of a 500; nothing has been written when these are thrown. Protocol endpoints that
/// answer apps get an OAuth error (JSON), everything else the Spanish error page. It sits inside the exception
/// handler so it sees these exceptions first, and writes its own answer because re-executing the request would
/// read the same broken body again.
/// </summary>
internal sealed class BadRequestGuard(RequestDelegate next, IStringLocalizer<SharedResource> text, ILogger<BadRequestGuard> logger)
{
    private static readonly string[] JsonEndpoints = ["/connect/token", "/connect/par", "/connect/introspect", "/connect/revoke", "/connect/userinfo"];

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (IsBadInput(exception, out var status) && !context.Response.HasStarted)
        {
            logger.LogInformation("Rejected a malformed request to {Path}: {Error}", context.Request.Path, exception.GetType().Name);
            await WriteAsync(context, status, text, "ErrorBadRequest", "invalid_request", "The request is malformed.");
        }
    }

    /// <summary>
    /// Answers a failed request on the spot: an OAuth error (JSON) on the protocol endpoints apps call, otherwise a
    /// stand-alone page (no layout, no further request processing) in the request's culture.
    /// </summary>
    internal static async Task WriteAsync(HttpContext context, int status, IStringLocalizer text, string messageKey, string oauthError, string oauthDescription, TimeSpan? retryAfter = null)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        if (retryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = ((int)wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (JsonEndpoints.Any(p => context.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase)))
        {
            context.Response.ContentType = "application/json;charset=UTF-8";
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["error"] = oauthError,
                ["error_description"] = oauthDescription,
            }));
            return;
        }

        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(Page(text, messageKey));
    }

    private static string Page(IStringLocalizer text, string messageKey)
    {
        var lang = System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" ? "en" : "es-EC";
        var html = HtmlEncoder.Default;
        return new StringBuilder()
            .Append("<!DOCTYPE html>\n<html lang=\"").Append(lang).Append("\">\n<head>\n<meta charset=\"utf-8\" />\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n")
            .Append("<title>").Append(html.Encode(text["ErrorTitle"])).Append(" · IESS</title>\n")
            .Append("<link rel=\"stylesheet\" href=\"/css/site.css\" />\n</head>\n<body>\n<main id=\"main\" class=\"card\">\n")
            .Append("<h1>").Append(html.Encode(text["ErrorTitle"])).Append("</h1>\n")
            .Append("<p id=\"error-message\">").Append(html.Encode(text[messageKey])).Append("</p>\n")
            .Append("<p><a href=\"/\">").Append(html.Encode(text["BackHome"])).Append("</a></p>\n")
            .Append("</main>\n</body>\n</html>\n")
            .ToString();
    }

    private static bool IsBadInput(Exception exception, out int status)
    {
        status = StatusCodes.Status400BadRequest;
        switch (exception)
        {
            case BadHttpRequestException bad:
                status = bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : StatusCodes.Status400BadRequest;
                return true;
            case InvalidDataException or DecoderFallbackException:
                return true;
            default:
                return exception.InnerException is { } inner && IsBadInput(inner, out status);
        }
    }
}
