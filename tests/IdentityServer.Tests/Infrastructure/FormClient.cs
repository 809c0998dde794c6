using System.Net;
using System.Text.RegularExpressions;

namespace Iess.Identity.Tests.Infrastructure;

/// <summary>
/// An HttpClient that behaves like a browser on the server's HTML forms: keeps cookies, reads the antiforgery
/// field from the page, posts the form and does not follow redirects (tests follow them explicitly).
/// </summary>
public sealed partial class FormClient : IDisposable
{
    /// <param name="cookies">A cookie jar to continue with (the same browser talking to a restarted or another server).</param>
    public FormClient(Uri baseAddress, CookieContainer? cookies = null)
    {
        Cookies = cookies ?? new CookieContainer();
        Http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
    }

    public HttpClient Http { get; }

    public CookieContainer Cookies { get; }

    /// <summary>GETs <paramref name="path"/> and posts its form with the given fields (plus the antiforgery token).</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string path, IDictionary<string, string> fields, string? postPath = null)
    {
        var page = await Http.GetStringAsync(path);
        var token = AntiforgeryField().Match(page);
        var form = new Dictionary<string, string>(fields);
        if (token.Success)
        {
            form["__af"] = WebUtility.HtmlDecode(token.Groups[1].Value);
        }

        return await Http.PostAsync(postPath ?? path, new FormUrlEncodedContent(form));
    }

    /// <summary>The antiforgery token of a page's form, or null when the page has no form.</summary>
    public static string? AntiforgeryToken(string html)
    {
        var token = AntiforgeryField().Match(html);
        return token.Success ? WebUtility.HtmlDecode(token.Groups[1].Value) : null;
    }

    /// <summary>Signs in through /Login with a cédula or RUC and password.</summary>
    public Task<HttpResponseMessage> SignInAsync(string identifier, string password, string? branch = null, string? returnUrl = null)
    {
        var path = "/Login" + (returnUrl is null ? "" : "?ReturnUrl=" + Uri.EscapeDataString(returnUrl));
        var fields = new Dictionary<string, string> { ["Input.Identifier"] = identifier, ["Input.Password"] = password };
        if (branch is not null)
        {
            fields["Input.Branch"] = branch;
        }

        if (returnUrl is not null)
        {
            fields["ReturnUrl"] = returnUrl;
        }

        return SubmitAsync(path, fields);
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
