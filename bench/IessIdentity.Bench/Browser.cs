using System.Net;
using System.Text.RegularExpressions;

namespace Iess.Identity.Bench;

/// <summary>
/// One person's browser on top of the driver's shared connection pool: its own cookie jar, no automatic redirects,
/// and the form's antiforgery token read from the page as a browser would submit it.
/// </summary>
public sealed partial class Browser(HttpClient http)
{
    private readonly CookieContainer cookies = new();

    public async Task<HttpResponseMessage> GetAsync(Uri url, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        return await SendAsync(request, cancellationToken);
    }

    public async Task<HttpResponseMessage> PostFormAsync(Uri url, IEnumerable<KeyValuePair<string, string>> fields, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
        return await SendAsync(request, cancellationToken);
    }

    /// <summary>The antiforgery token of the page's form.</summary>
    public static string AntiforgeryToken(string html, Uri page)
    {
        var match = AntiforgeryField().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new BenchFailure($"no antiforgery field on {page.AbsolutePath}");
    }

    /// <summary>The absolute target of a 302/303 response, or a failure naming what came instead.</summary>
    public static Uri RedirectTarget(HttpResponseMessage response)
    {
        if (response.StatusCode is not (HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.Redirect) || response.Headers.Location is null)
        {
            throw new BenchFailure($"expected a redirect from {response.RequestMessage?.RequestUri?.AbsolutePath}, got {(int)response.StatusCode}");
        }

        return new Uri(response.RequestMessage!.RequestUri!, response.Headers.Location);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var header = cookies.GetCookieHeader(request.RequestUri!);
        if (header.Length > 0)
        {
            request.Headers.Add("Cookie", header);
        }

        var response = await http.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                cookies.SetCookies(request.RequestUri!, setCookie);
            }
        }

        return response;
    }

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}

/// <summary>An operation that did not end the way a working server ends it (counted as an error, not a crash).</summary>
public sealed class BenchFailure(string message) : Exception(message);
