using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using OtpNet;

namespace Iess.Identity.Tests.Infrastructure;

/// <summary>
/// A person's browser without a browser: an <see cref="HttpClient"/> with a cookie jar that follows redirects itself,
/// reads the server's HTML forms (hidden fields and antiforgery token included) and posts them like a browser would.
/// Redirects stop at the app's redirect_uri (nothing listens there): the step then carries that address.
/// </summary>
public sealed class BrowserlessSignIn : IDisposable
{
    private const int MaxRedirects = 20;
    private readonly HttpClientHandler handler;

    public BrowserlessSignIn(Uri server)
    {
        Server = server;
        handler = new HttpClientHandler { CookieContainer = Cookies, UseCookies = true, AllowAutoRedirect = false };
        Http = new HttpClient(handler) { BaseAddress = server };
    }

    public Uri Server { get; }

    public CookieContainer Cookies { get; } = new();

    public HttpClient Http { get; }

    /// <summary>Opens <paramref name="url"/> and follows redirects until a page, or a redirect to <paramref name="callback"/>.</summary>
    public async Task<BrowserStep> NavigateAsync(string url, string callback)
    {
        using var response = await Http.GetAsync(new Uri(Server, url));
        return await FollowAsync(response, callback, []);
    }

    /// <summary>Posts the page's form (the one holding <paramref name="handler"/>'s button when given) with some fields changed.</summary>
    public async Task<BrowserStep> SubmitAsync(BrowserStep page, IReadOnlyDictionary<string, string?> fields, string callback, string? handler = null)
    {
        var forms = page.Document.QuerySelectorAll<IHtmlFormElement>("form[method=post]").ToList();
        var button = handler is null ? null
            : forms.SelectMany(f => f.QuerySelectorAll("button[formaction]"))
                .FirstOrDefault(b => b.GetAttribute("formaction")!.Contains("handler=" + handler, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"No button for handler {handler} on {page.Address}:\n{page.Text}");
        var form = button?.Closest("form") as IHtmlFormElement ?? forms.FirstOrDefault()
            ?? throw new InvalidOperationException($"No form on {page.Address}:\n{page.Text}");

        var values = new List<KeyValuePair<string, string>>();
        foreach (var input in form.QuerySelectorAll<IHtmlInputElement>("input[name]"))
        {
            if (input.Type is "submit" or "button" || fields.ContainsKey(input.Name!))
            {
                continue;
            }

            values.Add(KeyValuePair.Create(input.Name!, input.GetAttribute("value") ?? ""));
        }

        values.AddRange(fields.Where(f => f.Value is not null).Select(f => KeyValuePair.Create(f.Key, f.Value!)));
        var action = button?.GetAttribute("formaction") ?? form.GetAttribute("action");
        var target = string.IsNullOrEmpty(action) ? page.Address : new Uri(page.Address, action);
        using var response = await Http.PostAsync(target, new FormUrlEncodedContent(values));
        return await FollowAsync(response, callback, []);
    }

    /// <summary>Types the identifier, branch and password into the sign-in form and sends it.</summary>
    public Task<BrowserStep> SubmitPasswordAsync(BrowserStep loginPage, string identifier, string password, string callback, string? branch = null) =>
        SubmitAsync(loginPage, new Dictionary<string, string?>
        {
            ["Input.Identifier"] = identifier,
            ["Input.Branch"] = branch,
            ["Input.Password"] = password,
        }, callback);

    /// <summary>Walks an authorization request through sign-in, TOTP and consent pages until the app's redirect_uri.</summary>
    public async Task<Uri> AuthorizeAsync(string authorizeUrl, string callback, SignInAnswers answers)
    {
        var step = await NavigateAsync(authorizeUrl, callback);
        for (var pages = 0; pages < 6 && step.Callback is null; pages++)
        {
            step = step.Address.AbsolutePath switch
            {
                "/Login" => await SubmitPasswordAsync(step, answers.Identifier, answers.Password, callback, answers.Branch),
                "/Login/Mfa" => await SubmitAsync(step, new Dictionary<string, string?> { ["Code"] = Totp(answers.TotpSecret ?? throw new InvalidOperationException("A TOTP step appeared without a secret.")) }, callback),
                "/Connect/Consent" => await SubmitAsync(step, new Dictionary<string, string?>(), callback, "Accept"),
                _ => throw new InvalidOperationException($"Unexpected page {step.Address} ({(int)step.Status}):\n{step.Text}"),
            };
        }

        return step.Callback ?? throw new InvalidOperationException($"Still on {step.Address}:\n{step.Text}");
    }

    /// <summary>The current code of an authenticator app holding <paramref name="base32Secret"/>.</summary>
    public static string Totp(string base32Secret) => new Totp(Base32Encoding.ToBytes(base32Secret)).ComputeTotp();

    public void Dispose()
    {
        Http.Dispose();
        handler.Dispose();
    }

    private async Task<BrowserStep> FollowAsync(HttpResponseMessage response, string callback, List<Uri> redirects)
    {
        var current = response;
        try
        {
            for (var hop = 0; hop < MaxRedirects; hop++)
            {
                var address = current.RequestMessage!.RequestUri!;
                if (current.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.MovedPermanently)
                    || current.Headers.Location is null)
                {
                    return new BrowserStep(address, current.StatusCode, await current.Content.ReadAsStringAsync(), null, redirects);
                }

                var location = new Uri(address, current.Headers.Location);
                redirects.Add(location);
                if (location.GetLeftPart(UriPartial.Path) == callback || location.ToString().StartsWith(callback, StringComparison.Ordinal))
                {
                    return new BrowserStep(address, current.StatusCode, "", location, redirects);
                }

                if (!string.Equals(location.Authority, Server.Authority, StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"Redirected off the server to {location}.");
                }

                var next = await Http.GetAsync(location);
                if (!ReferenceEquals(current, response))
                {
                    current.Dispose();
                }

                current = next;
            }

            throw new InvalidOperationException("Too many redirects: " + string.Join(" → ", redirects));
        }
        finally
        {
            if (!ReferenceEquals(current, response))
            {
                current.Dispose();
            }
        }
    }
}

/// <summary>What the person types: identifier, branch (employers), password and, for officers, the authenticator secret.</summary>
public sealed record SignInAnswers(string Identifier, string Password, string? Branch = null, string? TotpSecret = null)
{
    public static SignInAnswers Affiliate => new(DemoAccounts.AffiliateCedula, DemoAccounts.AffiliatePassword);

    public static SignInAnswers Officer => new(DemoAccounts.OfficerCedula, DemoAccounts.OfficerPassword, TotpSecret: DemoAccounts.OfficerTotpSecret);

    public static SignInAnswers Employer(string branch) => new(DemoAccounts.EmployerRuc, DemoAccounts.EmployerPassword, branch);
}

/// <summary>Where the browser ended: a page (address, status, HTML) or the app's redirect_uri, with every redirect taken.</summary>
public sealed class BrowserStep(Uri address, HttpStatusCode status, string html, Uri? callback, IReadOnlyList<Uri> redirects)
{
    private IDocument? document;

    public Uri Address { get; } = address;

    public HttpStatusCode Status { get; } = status;

    public string Html { get; } = html;

    /// <summary>The redirect_uri the server sent the browser to, with the authorization response, or null.</summary>
    public Uri? Callback { get; } = callback;

    public IReadOnlyList<Uri> Redirects { get; } = redirects;

    public IDocument Document => document ??= new HtmlParser().ParseDocument(Html);

    /// <summary>The visible text, with whitespace collapsed.</summary>
    public string Text => string.Join(' ', (Document.Body?.TextContent ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    public string? InputValue(string name) => Document.QuerySelector<IHtmlInputElement>($"input[name='{name}']")?.Value;
}
