using System.Text;
using Iess.Identity.Tests.Infrastructure;

namespace Iess.Identity.Tests.Hosting;

/// <summary>What a correct refusal of a malformed request looks like.</summary>
public enum Refusal
{
    /// <summary>A 4xx with an OAuth error: a JSON body with <c>error</c>, or a <c>WWW-Authenticate</c> header naming one.</summary>
    OAuthError,

    /// <summary>A 4xx with the Spanish (es-EC) HTML error page or the form shown again with its error.</summary>
    SpanishPage,

    /// <summary>A 4xx with either of the above (discovery documents are JSON, but a wrong method may land on the error page).</summary>
    OAuthErrorOrSpanishPage,

    /// <summary>
    /// The Spanish page with a 4xx, or a redirect to a page of this server: a flow page without a valid flow cookie sends
    /// the browser back to the flow's first page, a profile page sends an anonymous browser to sign in.
    /// </summary>
    SpanishPageOrLocalRedirect,

    /// <summary>A 4xx with RFC 9457 problem details (<c>application/problem+json</c> whose <c>status</c> is the status code): the admin API.</summary>
    ProblemDetails,

    /// <summary>A 4xx from Kestrel itself, before the application runs (malformed request line or headers): no body is required.</summary>
    Transport,

    /// <summary>
    /// The one 5xx allowed: Kestrel answers an unknown HTTP major version with 505 (RFC 9110 §15.6.6) while parsing the
    /// request line, before any middleware exists to change it. Asserted exactly so any other 5xx still fails.
    /// </summary>
    HttpVersionNotSupported,
}

/// <summary>Which antiforgery material a form post carries.</summary>
public enum Antiforgery
{
    None,
    Valid,
    CookieOnly,
    TokenOnly,
    Forged,
    TokenFromOtherCookie,
}

/// <summary>
/// One hostile request. <see cref="Body"/> may contain <see cref="MalformedRequests.AntiforgeryPlaceholder"/>, replaced
/// by the token that <see cref="Antiforgery"/> calls for; <see cref="Raw"/> requests go over a bare socket exactly as written.
/// </summary>
public sealed record MalformedRequest(string Name, string Method, string Target, Refusal Expect)
{
    public byte[]? Body { get; init; }

    public string? ContentType { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public Antiforgery Antiforgery { get; init; }

    /// <summary>Send with the signed-in affiliate's session cookie.</summary>
    public bool SignedIn { get; init; }

    /// <summary>More cookies (<c>name=value; …</c>), sent after the antiforgery and session cookies.</summary>
    public string? Cookies { get; init; }

    /// <summary>
    /// Junk the endpoint may rightly ignore (an unknown query parameter on a page, a strange header on a GET): a 2xx or
    /// a local 3xx is then fine too. Any 4xx must still have the endpoint's error format, and nothing may change.
    /// </summary>
    public bool Ignorable { get; init; }

    /// <summary>The whole request as bytes, for what HttpClient refuses to send; {host} is replaced by host:port.</summary>
    public byte[]? Raw { get; init; }

    /// <summary>What makes two requests different on the wire; the suite checks that no two are the same.</summary>
    public string Fingerprint => Raw is not null
        ? "RAW " + Convert.ToHexString(Raw)
        : string.Join('\n', Method, Target, ContentType, Antiforgery, SignedIn, Cookies, string.Join('|', Headers), Body is null ? "-" : Convert.ToHexString(Body));

    public override string ToString() =>
        $"{Method} {Shorten(Target)} [{Name}]" + (Cookies is null ? "" : $" cookies: {Shorten(Cookies)}") + (Body is { Length: > 0 } body ? $" body: {Shorten(Printable(body))}" : "");

    private static string Shorten(string text) => text.Length <= 240 ? text : $"{text[..160]}…{text[^60..]} ({text.Length} chars)";

    private static string Printable(byte[] bytes) =>
        string.Concat(bytes.Take(400).Select(b => b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:X2}")) + (bytes.Length > 400 ? "…" : "");
}

/// <summary>Generates the malformed requests the suite sends to every protocol endpoint and sign-in page.</summary>
public static class MalformedRequests
{
    public const string AntiforgeryPlaceholder = "__AF_TOKEN__";
    public const string Form = "application/x-www-form-urlencoded";

    private const string Spa = DemoAccounts.PublicClientId;
    private const string SpaRedirect = DemoAccounts.PublicRedirectUri;
    private const string Web = DemoAccounts.ConfidentialClientId;
    private const string WebSecret = DemoAccounts.ConfidentialClientSecret;
    private const string Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    private static readonly string Huge = new('A', 100 * 1024);
    private static readonly string[] WrongMethods = ["PUT", "DELETE", "PATCH"];
    private static readonly string[] OpenRedirects =
    [
        "//evil.example", "/\\evil.example", "https://evil.example", "http:evil.example", "\\\\evil.example",
        "/\t/evil.example", " //evil.example", "/\r\nLocation: https://evil.example", "javascript:alert(1)", "https:\\\\evil.example",
    ];

    /// <summary>The hand-written requests below, then the ones generated for every endpoint the server has.</summary>
    public static IReadOnlyList<MalformedRequest> All(IReadOnlyList<DiscoveredEndpoint> endpoints)
    {
        var handWritten = HandWritten();
        var written = handWritten.Select(r => r.Fingerprint).ToHashSet(StringComparer.Ordinal);
        return [.. handWritten, .. EndpointMutations.For(endpoints).Where(r => !written.Contains(r.Fingerprint))];
    }

    public static IReadOnlyList<MalformedRequest> HandWritten() =>
    [
        .. Token(), .. Par(), .. Introspect(), .. Revoke(), .. UserInfo(), .. Authorize(), .. EndSession(), .. WellKnown(),
        .. Login(), .. Mfa(), .. Logout(), .. Consent(), .. Language(), .. Transport(),
    ];

    private static IEnumerable<MalformedRequest> Token()
    {
        const string path = "/connect/token";
        var oauth = Refusal.OAuthError;
        var code = $"grant_type=authorization_code&client_id={Spa}&redirect_uri={E(SpaRedirect)}";
        foreach (var body in new[]
        {
            "",
            $"client_id={Spa}",
            "grant_type=",
            "grant_type=bogus&client_id=" + Spa,
            "grant_type=password&username=1710034065&password=x&client_id=" + Spa,
            "grant_type=urn:ietf:params:oauth:grant-type:device_code&device_code=x&client_id=" + Spa,
            "grant_type=implicit&client_id=" + Spa,
            "grant_type=authorization_code&grant_type=authorization_code&code=x&client_id=" + Spa,
            "grant_type=authorization_code&grant_type=refresh_token&code=x&client_id=" + Spa,
            $"{code}&client_id={Spa}&code=x&code_verifier={new string('v', 50)}",
            $"{code}&client_id=demo-web&code=x&code_verifier={new string('v', 50)}",
            $"{code}&code=x",
            $"{code}&code=x&code_verifier=abc",
            $"{code}&code=x&code_verifier={new string('v', 129)}",
            $"{code}&code=x&code_verifier={new string('v', 50)}&code_verifier={new string('w', 50)}",
            $"{code}&code=x&code=y&code_verifier={new string('v', 50)}",
            $"{code}&code=&code_verifier={new string('v', 50)}",
            $"{code}&code=%00%01%02&code_verifier={new string('v', 50)}",
            $"{code}&code=x&code_verifier=%FF%FE%FD{new string('v', 50)}",
            $"{code}&code=x&code_verifier={new string('v', 50)}&redirect_uri={E("https://evil.example/cb")}",
            $"grant_type=authorization_code&client_id=no-such-client&redirect_uri={E(SpaRedirect)}&code=x&code_verifier={new string('v', 50)}",
            $"grant_type=authorization_code&client_id={Spa}&redirect_uri={E("https://evil.example/cb")}&code=x&code_verifier={new string('v', 50)}",
            $"grant_type=authorization_code&client_id={Spa}&redirect_uri=not%20a%20uri&code=x&code_verifier={new string('v', 50)}",
            $"grant_type=refresh_token&client_id={Spa}&refresh_token=garbage",
            $"grant_type=refresh_token&client_id={Spa}",
            $"grant_type=refresh_token&client_id={Spa}&refresh_token=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
            $"grant_type=refresh_token&client_id={Spa}&refresh_token=a&refresh_token=b",
            $"grant_type=client_credentials&client_id={Web}",
            $"grant_type=client_credentials&client_id={Web}&client_secret=wrong",
            $"grant_type=client_credentials&client_id={Web}&client_secret=",
            $"grant_type=client_credentials&client_id={Web}&client_secret={WebSecret}&client_secret=wrong",
            $"grant_type=client_credentials&client_id={Web}&client_id={Spa}&client_secret={WebSecret}",
            $"grant_type=client_credentials&client_id={Spa}",
            $"grant_type=client_credentials&client_id=%FF%FE&client_secret=x",
            $"grant_type=client_credentials&client_id=demo%00web&client_secret={WebSecret}",
            $"grant_type=client_credentials&client_id=demo-web%0D%0AX-Injected:%201&client_secret={WebSecret}",
            "grant_type=%FF%FE&client_id=" + Spa,
            "grant_type=client%00credentials&client_id=" + Web,
            "grant_type=client_credentials&client_id=" + Huge,
            "grant_type=" + Huge,
            $"{code}&code={Huge}&code_verifier={new string('v', 50)}",
            Fields(300),
            new string('k', 1024) + "=v&grant_type=client_credentials",
            "=&=&=",
            "&&&&",
            "grant_type",
            "%",
            "grant_type=%ZZ",
            "grant_type=client_credentials;client_id=demo-web",
        })
        {
            yield return Post("token body", path, body, oauth);
        }

        foreach (var method in WrongMethods)
        {
            yield return Post($"token via {method}", path, $"grant_type=client_credentials&client_id={Web}&client_secret=wrong", oauth) with { Method = method };
        }

        yield return new MalformedRequest("token via GET", "GET", path + "?grant_type=client_credentials&client_id=" + Web, oauth);
        yield return new MalformedRequest("token via GET, no query", "GET", path, oauth);
        yield return Bytes("token with raw 0xFF 0xFE bytes", "POST", path, [.. Encoding.ASCII.GetBytes("grant_type="), 0xFF, 0xFE, .. Encoding.ASCII.GetBytes("&client_id=" + Spa)], Form, oauth);
        yield return Bytes("token with lone UTF-8 continuation bytes", "POST", path, [.. Encoding.ASCII.GetBytes($"grant_type=client_credentials&client_id={Web}&client_secret="), 0x80, 0x80, 0xC0], Form, oauth);
        yield return Bytes("token body with NUL bytes", "POST", path, [.. Encoding.ASCII.GetBytes("grant_type=client_credentials"), 0, 0, .. Encoding.ASCII.GetBytes("&client_id=" + Web)], Form, oauth);
        yield return Text("token JSON body", "POST", path, $"{{\"grant_type\":\"client_credentials\",\"client_id\":\"{Web}\",\"client_secret\":\"{WebSecret}\"}}", "application/json", oauth);
        yield return Text("token plain-text body", "POST", path, "grant_type=client_credentials&client_id=" + Web, "text/plain", oauth);
        yield return Text("token XML body", "POST", path, "<grant_type>client_credentials</grant_type>", "application/xml", oauth);
        yield return Text("token multipart body", "POST", path, "--b\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials\r\n--b--\r\n", "multipart/form-data; boundary=b", oauth);
        yield return Text("token multipart without boundary", "POST", path, "grant_type=client_credentials", "multipart/form-data", oauth);
        yield return Text("token form with utf-16 charset", "POST", path, "grant_type=client_credentials&client_id=" + Web, Form + "; charset=utf-16", oauth);
        yield return Text("token form with unknown charset", "POST", path, "grant_type=client_credentials&client_id=" + Web, Form + "; charset=klingon", oauth);
        yield return Text("token without content type", "POST", path, "grant_type=client_credentials&client_id=" + Web, null, oauth);
        yield return Text("token with content type garbage", "POST", path, "grant_type=client_credentials&client_id=" + Web, "%%%/;;;", oauth);
        // Expect: 100-continue lets Kestrel answer 413 before the body is sent; without it the answer can be lost
        // while the client is still uploading, and the case would fail for the client's reasons, not the server's.
        yield return Bytes("token body over the 1 MB limit", "POST", path, Encoding.ASCII.GetBytes("grant_type=client_credentials&x=" + new string('a', 1100 * 1024)), Form, oauth)
            with { Headers = [new("Expect", "100-continue")] };
        foreach (var (name, value) in BogusAuthorizationHeaders())
        {
            yield return Post($"token with Authorization {name}", path, "grant_type=client_credentials", oauth) with { Headers = [new("Authorization", value)] };
        }

        yield return Post("token with Basic and body secrets both", path, $"grant_type=client_credentials&client_id={Web}&client_secret={WebSecret}", oauth)
            with { Headers = [new("Authorization", Basic(Web, "wrong"))] };
        yield return Post("token with Basic for another client than the body", path, $"grant_type=client_credentials&client_id={Spa}", oauth)
            with { Headers = [new("Authorization", Basic(Web, WebSecret + "x"))] };
    }

    private static IEnumerable<MalformedRequest> Par()
    {
        const string path = "/connect/par";
        var oauth = Refusal.OAuthError;
        var good = $"client_id={Spa}&redirect_uri={E(SpaRedirect)}&response_type=code&scope=openid&code_challenge={Challenge}&code_challenge_method=S256";
        foreach (var body in new[]
        {
            "",
            "response_type=code",
            $"client_id=no-such-client&redirect_uri={E(SpaRedirect)}&response_type=code&scope=openid&code_challenge={Challenge}&code_challenge_method=S256",
            $"client_id={Spa}&response_type=code&scope=openid&code_challenge={Challenge}&code_challenge_method=S256",
            good.Replace(E(SpaRedirect), E("https://evil.example/cb"), StringComparison.Ordinal),
            good.Replace(E(SpaRedirect), E("//evil.example/cb"), StringComparison.Ordinal),
            good.Replace("code_challenge_method=S256", "code_challenge_method=plain", StringComparison.Ordinal),
            good.Replace($"&code_challenge={Challenge}&code_challenge_method=S256", "", StringComparison.Ordinal),
            good.Replace(Challenge, "short", StringComparison.Ordinal),
            good.Replace("response_type=code", "response_type=token", StringComparison.Ordinal),
            good.Replace("response_type=code", "response_type=bogus", StringComparison.Ordinal),
            good.Replace("scope=openid", "scope=openid%20no-such-scope", StringComparison.Ordinal),
            good + "&request_uri=urn:ietf:params:oauth:request_uri:abc",
            good + "&request=eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.",
            good + "&client_id=" + Spa,
            good + "&redirect_uri=" + E(SpaRedirect),
            good + "&response_type=code",
            good + "&scope=openid",
            good + "&code_challenge=" + Challenge,
            good + "&prompt=none%20login",
            good + "&max_age=-5",
            good + "&max_age=abc",
            good + "&ui_locales=%FF%FE",
            good.Replace("client_id=" + Spa, "client_id=%FF%FE", StringComparison.Ordinal),
            good.Replace("client_id=" + Spa, "client_id=demo-spa%00", StringComparison.Ordinal),
            good.Replace("client_id=" + Spa, "client_id=" + Huge, StringComparison.Ordinal),
            good + "&state=" + Huge,
            Fields(250),
        })
        {
            yield return Post("par body", path, body, oauth);
        }

        foreach (var method in WrongMethods.Append("GET"))
        {
            yield return new MalformedRequest($"par via {method}", method, path + "?" + good, oauth);
        }

        yield return Text("par JSON body", "POST", path, $"{{\"client_id\":\"{Spa}\",\"response_type\":\"code\"}}", "application/json", oauth);
        yield return Bytes("par raw 0xFF bytes", "POST", path, [.. Encoding.ASCII.GetBytes(good + "&state="), 0xFF, 0xFE, 0xFD], Form, oauth);
        yield return Post("par with bogus Basic credentials", path, good, oauth) with { Headers = [new("Authorization", Basic(Web, "wrong"))] };
    }

    private static IEnumerable<MalformedRequest> Introspect() => TokenManagement("/connect/introspect", "introspect");

    private static IEnumerable<MalformedRequest> Revoke() => TokenManagement("/connect/revoke", "revoke");

    private static IEnumerable<MalformedRequest> TokenManagement(string path, string name)
    {
        var oauth = Refusal.OAuthError;
        foreach (var body in new[]
        {
            "",
            "token=abc",
            "token=abc&client_id=no-such-client",
            $"token=abc&client_id={Web}",
            $"token=abc&client_id={Web}&client_secret=wrong",
            $"token=abc&client_id={Web}&client_secret={WebSecret}x",
            $"client_id={Web}&client_secret={WebSecret}",
            $"token=&client_id={Web}&client_secret={WebSecret}",
            $"token=a&token=b&client_id={Web}&client_secret={WebSecret}",
            $"token=abc&client_id={Web}&client_id={Web}&client_secret={WebSecret}",
            $"token=abc&client_id=%FF%FE&client_secret=x",
            $"token=%FF%FE&client_id={Web}&client_secret=wrong",
            $"token={Huge}&client_id={Web}&client_secret={WebSecret}",
            $"token=abc&token_type_hint={Huge}&client_id={Web}&client_secret=wrong",
        })
        {
            yield return Post($"{name} body", path, body, oauth);
        }

        foreach (var method in WrongMethods.Append("GET"))
        {
            yield return new MalformedRequest($"{name} via {method}", method, $"{path}?token=abc&client_id={Web}&client_secret={WebSecret}", oauth);
        }

        yield return Text($"{name} JSON body", "POST", path, $"{{\"token\":\"abc\",\"client_id\":\"{Web}\",\"client_secret\":\"{WebSecret}\"}}", "application/json", oauth);
        yield return Bytes($"{name} raw bytes", "POST", path, [.. Encoding.ASCII.GetBytes("token="), 0xFF, 0xFE, .. Encoding.ASCII.GetBytes($"&client_id={Web}&client_secret=wrong")], Form, oauth);
        yield return Post($"{name} Bearer instead of client auth", path, "token=abc", oauth) with { Headers = [new("Authorization", "Bearer abc")] };
        yield return Post($"{name} Basic with wrong secret", path, "token=abc", oauth) with { Headers = [new("Authorization", Basic(Web, "wrong"))] };
        yield return Post($"{name} Basic not base64", path, "token=abc", oauth) with { Headers = [new("Authorization", "Basic !!!")] };
    }

    private static IEnumerable<MalformedRequest> UserInfo()
    {
        const string path = "/connect/userinfo";
        var oauth = Refusal.OAuthError;
        yield return new MalformedRequest("userinfo without token", "GET", path, oauth);
        foreach (var (name, value) in BogusAuthorizationHeaders())
        {
            yield return new MalformedRequest($"userinfo with Authorization {name}", "GET", path, oauth) { Headers = [new("Authorization", value)] };
        }

        yield return new MalformedRequest("userinfo with two Authorization headers", "GET", path, oauth)
        {
            Headers = [new("Authorization", "Bearer a"), new("Authorization", "Bearer b")],
        };
        yield return new MalformedRequest("userinfo token in query", "GET", path + "?access_token=garbage", oauth);
        yield return new MalformedRequest("userinfo duplicated token in query", "GET", path + "?access_token=a&access_token=b", oauth);
        yield return new MalformedRequest("userinfo %FF token in query", "GET", path + "?access_token=%FF%FE", oauth);
        yield return Post("userinfo token in form", path, "access_token=garbage", oauth);
        yield return Post("userinfo token in header and form", path, "access_token=garbage", oauth) with { Headers = [new("Authorization", "Bearer garbage")] };
        yield return Post("userinfo huge form token", path, "access_token=" + Huge, oauth);
        yield return Bytes("userinfo raw bytes form", "POST", path, [.. Encoding.ASCII.GetBytes("access_token="), 0xFF, 0xFE], Form, oauth);
        yield return Text("userinfo JSON body", "POST", path, "{\"access_token\":\"garbage\"}", "application/json", oauth);
        foreach (var method in WrongMethods)
        {
            yield return new MalformedRequest($"userinfo via {method}", method, path, oauth) { Headers = [new("Authorization", "Bearer garbage")] };
        }
    }

    private static IEnumerable<MalformedRequest> Authorize()
    {
        const string path = "/connect/authorize";
        var page = Refusal.SpanishPage;
        var good = $"response_type=code&scope=openid&code_challenge={Challenge}&code_challenge_method=S256";
        foreach (var query in new[]
        {
            "",
            "?",
            "?client_id=" + Spa,
            $"?client_id=no-such-client&redirect_uri={E(SpaRedirect)}&{good}",
            $"?client_id=&redirect_uri={E(SpaRedirect)}&{good}",
            $"?redirect_uri={E(SpaRedirect)}&{good}",
            $"?client_id={Spa}&{good}&redirect_uri={E("https://evil.example/cb")}",
            $"?client_id={Spa}&{good}&redirect_uri={E("//evil.example/cb")}",
            $"?client_id={Spa}&{good}&redirect_uri={E(SpaRedirect + "/../../evil")}",
            $"?client_id={Spa}&{good}&redirect_uri={E(SpaRedirect + "#frag")}",
            $"?client_id={Spa}&{good}&redirect_uri={E("javascript:alert(1)")}",
            $"?client_id={Spa}&{good}&redirect_uri=relative/path",
            $"?client_id={Spa}&{good}&redirect_uri={E(SpaRedirect)}&redirect_uri={E("https://evil.example/cb")}",
            $"?client_id={Spa}&client_id={Web}&redirect_uri={E(SpaRedirect)}&{good}",
            $"?client_id={Spa}&client_id={Spa}&redirect_uri={E(SpaRedirect)}&{good}",
            $"?client_id=%FF%FE&redirect_uri={E(SpaRedirect)}&{good}",
            $"?client_id=demo-spa%00&redirect_uri={E(SpaRedirect)}&{good}",
            $"?client_id=demo-spa%0D%0ASet-Cookie:%20x=1&redirect_uri={E(SpaRedirect)}&{good}",
            $"?client_id={Spa}&redirect_uri=%FF%FE&{good}",
            $"?client_id={Spa}&redirect_uri=http://localhost:5003/callback%00&{good}",
            $"?client_id=no-such-client&redirect_uri={E(SpaRedirect)}&{good}&ui_locales=%FF%FE",
            $"?client_id=no-such-client&redirect_uri={E(SpaRedirect)}&{good}&ui_locales={new string('x', 4000)}",
            $"?client_id=no-such-client&redirect_uri={E(SpaRedirect)}&{good}&ui_locales=%00%01",
            $"?client_id=no-such-client&redirect_uri={E(SpaRedirect)}&{good}&ui_locales=es&ui_locales=zz",
            $"?client_id=no-such-client&redirect_uri={E(SpaRedirect)}&{good}&ui_locales=%3Cscript%3E",
            $"?client_id={Spa}&request_uri=urn:ietf:params:oauth:request_uri:bogus",
            $"?client_id={Spa}&request_uri=urn:ietf:params:oauth:request_uri:",
            $"?client_id={Spa}&request_uri=https://evil.example/request.jwt",
            $"?client_id={Spa}&request_uri=%FF%FE",
            $"?client_id={Spa}&request_uri=urn:ietf:params:oauth:request_uri:a&request_uri=urn:ietf:params:oauth:request_uri:b",
            $"?client_id=no-such-client&request_uri=urn:ietf:params:oauth:request_uri:bogus",
            $"?request_uri=urn:ietf:params:oauth:request_uri:bogus",
            $"?client_id={Spa}&request=eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.",
            $"?client_id=no-such-client&redirect_uri={E(SpaRedirect)}&{good}&login_hint={new string('9', 3000)}",
            $"?client_id=no-such-client&redirect_uri={E(SpaRedirect)}&{good}&state=%FF%FE",
        })
        {
            yield return new MalformedRequest("authorize query", "GET", path + query, page);
        }

        yield return new MalformedRequest("authorize with a huge query", "GET", $"{path}?client_id=no-such-client&state={new string('s', 7000)}", page);
        yield return Post("authorize form with 100 KB state", path, $"client_id={Spa}&redirect_uri={E(SpaRedirect)}&{good}&state={Huge}", page);
        yield return Post("authorize form with bogus client", path, $"client_id=no-such-client&redirect_uri={E(SpaRedirect)}&{good}", page);
        yield return Post("authorize form with foreign redirect", path, $"client_id={Spa}&redirect_uri={E("https://evil.example/cb")}&{good}", page);
        yield return Post("authorize form with too many fields", path, Fields(300), page);
        yield return Bytes("authorize form with raw bytes", "POST", path, [.. Encoding.ASCII.GetBytes("client_id="), 0xFF, 0xFE, .. Encoding.ASCII.GetBytes("&" + good)], Form, page);
        yield return Text("authorize JSON body", "POST", path, $"{{\"client_id\":\"{Spa}\"}}", "application/json", page);
        yield return Text("authorize plain-text body", "POST", path, $"client_id={Spa}", "text/plain", page);
        foreach (var method in WrongMethods)
        {
            yield return new MalformedRequest($"authorize via {method}", method, $"{path}?client_id={Spa}&redirect_uri={E(SpaRedirect)}&{good}", page);
        }
    }

    private static IEnumerable<MalformedRequest> EndSession()
    {
        const string path = "/connect/endsession";
        var page = Refusal.SpanishPage;
        foreach (var query in new[]
        {
            "?post_logout_redirect_uri=" + E("https://evil.example/"),
            "?post_logout_redirect_uri=" + E("//evil.example/"),
            "?post_logout_redirect_uri=%FF%FE",
            $"?client_id={Spa}&post_logout_redirect_uri={E("https://evil.example/")}",
            "?client_id=no-such-client",
            "?client_id=%FF%FE",
            $"?client_id={Spa}&client_id={Web}",
            "?id_token_hint=garbage",
            "?id_token_hint=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
            "?id_token_hint=a&id_token_hint=b",
            "?id_token_hint=%00%01",
            "?post_logout_redirect_uri=a&post_logout_redirect_uri=b",
        })
        {
            yield return new MalformedRequest("endsession query", "GET", path + query, page);
        }

        yield return Post("endsession form with foreign redirect", path, "post_logout_redirect_uri=" + E("https://evil.example/"), page);
        yield return Post("endsession form with 100 KB hint", path, "id_token_hint=" + Huge, page);
        yield return Bytes("endsession form with raw bytes", "POST", path, [.. Encoding.ASCII.GetBytes("id_token_hint="), 0xFF, 0xFE], Form, page);
        yield return Text("endsession JSON body", "POST", path, "{\"id_token_hint\":\"x\"}", "application/json", page);
        foreach (var method in WrongMethods)
        {
            yield return new MalformedRequest($"endsession via {method}", method, path + "?id_token_hint=garbage", page);
        }
    }

    private static IEnumerable<MalformedRequest> WellKnown()
    {
        var either = Refusal.OAuthErrorOrSpanishPage;
        foreach (var document in new[] { "/.well-known/openid-configuration", "/.well-known/jwks" })
        {
            foreach (var method in WrongMethods)
            {
                yield return new MalformedRequest($"discovery via {method}", method, document, either);
            }

            yield return Post("discovery via POST", document, "x=1", either);
        }

        yield return new MalformedRequest("unknown well-known document", "GET", "/.well-known/no-such-document", either);
        yield return new MalformedRequest("well-known path traversal", "GET", "/.well-known/..%2F..%2Fappsettings.json", either);
        yield return new MalformedRequest("well-known %FF path", "GET", "/.well-known/%FF%FE", either);
    }

    private static IEnumerable<MalformedRequest> Login()
    {
        const string path = "/Login";
        var page = Refusal.SpanishPage;
        var fields = $"Input.Identifier=0926687856&Input.Password=x&__af={AntiforgeryPlaceholder}";
        foreach (var af in new[] { Antiforgery.None, Antiforgery.CookieOnly, Antiforgery.TokenOnly, Antiforgery.Forged, Antiforgery.TokenFromOtherCookie })
        {
            yield return Post($"login with antiforgery {af}", path, fields, page) with { Antiforgery = af };
        }

        foreach (var body in new[]
        {
            $"Input.Identifier={new string('1', 41)}&Input.Password=x",
            $"Input.Identifier={new string('1', 1000)}&Input.Password=x",
            $"Input.Identifier={new string('1', 16 * 1024)}&Input.Password=x",
            $"Input.Identifier={Huge}&Input.Password=x",
            $"Input.Identifier=1710034065&Input.Password={new string('p', 1025)}",
            $"Input.Identifier=1710034065&Input.Password={Huge}",
            $"Input.Identifier=1710034065&Input.Branch=00001&Input.Password=x",
            $"Input.Identifier=1790012344001&Input.Branch=%FF%FE&Input.Password=x",
            "Input.Identifier=&Input.Password=",
            "Input.Password=x",
            "Input.Identifier=1710034065",
            "Input.Identifier=%FF%FE%FD&Input.Password=x",
            "Input.Identifier=171003406%00&Input.Password=x",
            "Input.Identifier=1710034066&Input.Password=x",
            "Input.Identifier=abcdefghij&Input.Password=x",
            "Input.Identifier=%0D%0A1710034065&Input.Password=x",
            "Input.Identifier=1710034065&Input.Identifier=0926687856&Input.Password=",
            "Input.Identifier[0]=1710034065&Input.Password=x",
            "Input=1&Input.Password=x",
            Fields(300),
        })
        {
            yield return Post("login form", path, body + "&__af=" + AntiforgeryPlaceholder, page) with { Antiforgery = Antiforgery.Valid };
        }

        foreach (var target in OpenRedirects)
        {
            yield return new MalformedRequest("login page with open-redirect ReturnUrl", "GET", $"{path}?ReturnUrl={E(target)}", page);
            yield return Post("login post with open-redirect ReturnUrl", path, $"ReturnUrl={E(target)}&{fields}", page) with { Antiforgery = Antiforgery.Valid };
        }

        yield return new MalformedRequest("login page with open-redirect returnUrl (lower case)", "GET", $"{path}?returnUrl={E("//evil.example")}", page);
        yield return new MalformedRequest("login page with two ReturnUrls", "GET", $"{path}?ReturnUrl=%2F&ReturnUrl={E("//evil.example")}", page);
        yield return new MalformedRequest("login page with %FF ReturnUrl", "GET", $"{path}?ReturnUrl=%FF%FE", page);
        yield return new MalformedRequest("login page with ReturnUrl carrying bogus ui_locales and a foreign host", "GET", $"{path}?ReturnUrl={E("https://evil.example/?ui_locales=%FF")}", page);
        yield return Bytes("login form with raw 0xFF bytes", "POST", path, [.. Encoding.ASCII.GetBytes("Input.Identifier="), 0xFF, 0xFE, .. Encoding.ASCII.GetBytes("&Input.Password=x&__af=" + AntiforgeryPlaceholder)], Form, page)
            with { Antiforgery = Antiforgery.Valid };
        yield return Text("login JSON body", "POST", path, "{\"Input\":{\"Identifier\":\"1710034065\",\"Password\":\"x\"}}", "application/json", page);
        yield return Text("login JSON body with antiforgery header", "POST", path, "{\"Input\":{\"Identifier\":\"1710034065\"}}", "application/json", page)
            with { Antiforgery = Antiforgery.Valid };
        yield return Text("login plain-text body", "POST", path, fields, "text/plain", page) with { Antiforgery = Antiforgery.Valid };
        foreach (var method in WrongMethods)
        {
            yield return Post($"login via {method}", path, fields, page) with { Method = method, Antiforgery = Antiforgery.Valid };
        }
    }

    private static IEnumerable<MalformedRequest> Mfa()
    {
        const string path = "/Login/Mfa";
        var page = Refusal.SpanishPage;
        foreach (var af in new[] { Antiforgery.None, Antiforgery.Forged, Antiforgery.CookieOnly })
        {
            yield return Post($"mfa with antiforgery {af}", path, $"Code=123456&__af={AntiforgeryPlaceholder}", page) with { Antiforgery = af };
        }

        yield return Post("mfa with 100 KB code", path, $"Code={Huge}&__af={AntiforgeryPlaceholder}", page) with { Antiforgery = Antiforgery.Valid };
        foreach (var target in OpenRedirects.Take(4))
        {
            yield return new MalformedRequest("mfa page with open-redirect ReturnUrl", "GET", $"{path}?ReturnUrl={E(target)}", page);
            yield return Post("mfa post with open-redirect ReturnUrl", path, $"ReturnUrl={E(target)}&Code=123456&__af={AntiforgeryPlaceholder}", page) with { Antiforgery = Antiforgery.Valid };
        }

        foreach (var method in WrongMethods)
        {
            yield return new MalformedRequest($"mfa via {method}", method, path, page);
        }
    }

    private static IEnumerable<MalformedRequest> Logout()
    {
        const string path = "/Logout";
        var page = Refusal.SpanishPage;
        foreach (var af in new[] { Antiforgery.None, Antiforgery.Forged, Antiforgery.TokenOnly })
        {
            yield return Post($"logout with antiforgery {af}", path, $"__af={AntiforgeryPlaceholder}", page) with { Antiforgery = af };
        }

        foreach (var target in OpenRedirects.Take(5).Append("/connect/endsession\r\nLocation: https://evil.example"))
        {
            yield return new MalformedRequest("logout page with open-redirect ReturnUrl", "GET", $"{path}?ReturnUrl={E(target)}", page);
        }

        foreach (var method in WrongMethods)
        {
            yield return new MalformedRequest($"logout via {method}", method, path, page);
        }
    }

    private static IEnumerable<MalformedRequest> Consent()
    {
        const string path = "/Connect/Consent";
        var page = Refusal.SpanishPage;
        var authorize = E($"/connect/authorize?client_id={Web}&response_type=code");
        foreach (var query in new[]
        {
            "",
            $"?ReturnUrl={authorize}",
            $"?ReturnUrl={authorize}&ClientId=no-such-client&Scope=openid",
            $"?ReturnUrl={authorize}&ClientId={Web}&Scope=openid%20no-such-scope",
            $"?ReturnUrl={authorize}&ClientId={Web}&Scope=openid%20iess.admin",
            $"?ReturnUrl={E("/Login")}&ClientId={Web}&Scope=openid",
            $"?ReturnUrl={authorize}&ClientId=%FF%FE&Scope=openid",
            $"?ReturnUrl={authorize}&ClientId={Web}&Scope=%00%01",
            $"?ReturnUrl={authorize}&ClientId={Huge[..4000]}&Scope=openid",
        })
        {
            yield return new MalformedRequest("consent page (signed in)", "GET", path + query, page) { SignedIn = true };
        }

        foreach (var target in OpenRedirects.Take(6))
        {
            yield return new MalformedRequest("consent page with open-redirect ReturnUrl (signed in)", "GET", $"{path}?ReturnUrl={E(target)}&ClientId={Web}&Scope=openid", page) { SignedIn = true };
            yield return new MalformedRequest("consent page with open-redirect ReturnUrl (anonymous)", "GET", $"{path}?ReturnUrl={E(target)}&ClientId={Web}&Scope=openid", page);
        }

        var accept = $"ReturnUrl={authorize}&ClientId={Web}&Scope=openid&__af={AntiforgeryPlaceholder}";
        foreach (var af in new[] { Antiforgery.None, Antiforgery.Forged, Antiforgery.CookieOnly, Antiforgery.TokenFromOtherCookie })
        {
            yield return Post($"consent accept with antiforgery {af}", path + "?handler=Accept", accept, page) with { Antiforgery = af, SignedIn = true };
            yield return Post($"consent deny with antiforgery {af}", path + "?handler=Deny", accept, page) with { Antiforgery = af, SignedIn = true };
        }

        foreach (var body in new[]
        {
            $"ReturnUrl={authorize}&ClientId=no-such-client&Scope=openid",
            $"ReturnUrl={authorize}&ClientId={Web}&Scope=openid%20iess.admin",
            $"ReturnUrl={E("https://evil.example/")}&ClientId={Web}&Scope=openid",
            $"ReturnUrl={E("/\\evil.example")}&ClientId={Web}&Scope=openid",
            $"ClientId={Web}&Scope=openid",
            $"ReturnUrl={authorize}&Scope=openid",
        })
        {
            yield return Post("consent accept form (signed in)", path + "?handler=Accept", body + "&__af=" + AntiforgeryPlaceholder, page) with { Antiforgery = Antiforgery.Valid, SignedIn = true };
            yield return Post("consent deny form (signed in)", path + "?handler=Deny", body + "&__af=" + AntiforgeryPlaceholder, page) with { Antiforgery = Antiforgery.Valid, SignedIn = true };
        }

        yield return Post("consent unknown handler (signed in)", path + "?handler=Bogus", accept, page) with { Antiforgery = Antiforgery.Valid, SignedIn = true };
        foreach (var method in WrongMethods)
        {
            yield return new MalformedRequest($"consent via {method}", method, path, page) { SignedIn = true };
        }
    }

    private static IEnumerable<MalformedRequest> Language()
    {
        const string path = "/Language";
        var page = Refusal.SpanishPage;
        foreach (var target in OpenRedirects.Append("/Login\r\nSet-Cookie: x=1").Append("/Login\u0001"))
        {
            yield return new MalformedRequest("language with open-redirect returnUrl", "GET", $"{path}?culture=es-EC&returnUrl={E(target)}", page);
        }

        foreach (var culture in new[] { "xx-YY", "%FF%FE", "%00", "../../etc", new string('e', 4000), "es-EC%0D%0A" })
        {
            yield return new MalformedRequest("language with bogus culture", "GET", $"{path}?culture={culture}&returnUrl=%2FLogin", page);
        }

        yield return new MalformedRequest("language with two cultures", "GET", $"{path}?culture=es-EC&culture=en&returnUrl=%2FLogin", page);
        yield return new MalformedRequest("language with two returnUrls", "GET", $"{path}?culture=es-EC&returnUrl=%2FLogin&returnUrl={E("//evil.example")}", page);
        yield return new MalformedRequest("language with %FF returnUrl", "GET", $"{path}?culture=es-EC&returnUrl=%FF%FE", page);
        foreach (var method in WrongMethods.Append("POST"))
        {
            yield return new MalformedRequest($"language via {method}", method, $"{path}?culture=es-EC&returnUrl=%2F", page);
        }
    }

    /// <summary>Requests HttpClient will not write: raw bytes and control characters in the request line and headers.</summary>
    private static IEnumerable<MalformedRequest> Transport()
    {
        var transport = Refusal.Transport;
        MalformedRequest Raw(string name, params byte[][] parts) => new(name, "RAW", name, transport) { Raw = parts.SelectMany(p => p).ToArray() };
        MalformedRequest RawExpecting(Refusal expect, string name, params byte[][] parts) => Raw(name, parts) with { Expect = expect };
        byte[] A(string text) => Encoding.ASCII.GetBytes(text.Replace("\n", "\r\n", StringComparison.Ordinal));

        yield return Raw("raw 0xFF in authorize query", A("GET /connect/authorize?client_id="), [0xFF, 0xFE], A(" HTTP/1.1\nHost: {host}\nConnection: close\n\n"));
        yield return Raw("raw 0xFF in login path", A("GET /Login"), [0xFF], A(" HTTP/1.1\nHost: {host}\nConnection: close\n\n"));
        yield return Raw("NUL in token path", A("POST /connect/token"), [0x00], A(" HTTP/1.1\nHost: {host}\nContent-Length: 0\nConnection: close\n\n"));
        yield return Raw("control char in authorize query", A("GET /connect/authorize?client_id=a"), [0x01], A(" HTTP/1.1\nHost: {host}\nConnection: close\n\n"));
        yield return Raw("raw 0xFF in Authorization header", A("GET /connect/userinfo HTTP/1.1\nHost: {host}\nAuthorization: Bearer "), [0xFF, 0xFE], A("\nConnection: close\n\n"));
        yield return Raw("NUL in Authorization header", A("GET /connect/userinfo HTTP/1.1\nHost: {host}\nAuthorization: Bearer a"), [0x00], A("b\nConnection: close\n\n"));
        yield return Raw("control char in antiforgery cookie", A("POST /Login HTTP/1.1\nHost: {host}\nContent-Type: application/x-www-form-urlencoded\nContent-Length: 9\nCookie: iess.af="), [0x01, 0x7F], A("\nConnection: close\n\n__af=abcd"));
        yield return Raw("two Content-Length headers", A("POST /connect/token HTTP/1.1\nHost: {host}\nContent-Type: application/x-www-form-urlencoded\nContent-Length: 5\nContent-Length: 9\nConnection: close\n\ngrant_type"));
        yield return Raw("Content-Length with chunked", A("POST /connect/token HTTP/1.1\nHost: {host}\nContent-Type: application/x-www-form-urlencoded\nContent-Length: 5\nTransfer-Encoding: chunked\nConnection: close\n\nzz\n"));
        yield return Raw("bad chunk size", A("POST /connect/token HTTP/1.1\nHost: {host}\nContent-Type: application/x-www-form-urlencoded\nTransfer-Encoding: chunked\nConnection: close\n\nZZ\nabc\n0\n\n"));
        yield return Raw("negative Content-Length", A("POST /Login HTTP/1.1\nHost: {host}\nContent-Type: application/x-www-form-urlencoded\nContent-Length: -1\nConnection: close\n\n"));
        yield return Raw("header without colon", A("GET /connect/userinfo HTTP/1.1\nHost: {host}\nAuthorization Bearer x\nConnection: close\n\n"));
        yield return Raw("missing Host header", A("GET /connect/authorize HTTP/1.1\nConnection: close\n\n"));
        yield return Raw("two Host headers", A("GET /Login HTTP/1.1\nHost: {host}\nHost: evil.example\nConnection: close\n\n"));
        yield return RawExpecting(Refusal.HttpVersionNotSupported, "unknown HTTP version", A("GET /Login HTTP/9.9\nHost: {host}\nConnection: close\n\n"));
        yield return RawExpecting(Refusal.HttpVersionNotSupported, "garbage HTTP version", A("GET /Login HTTP/1.x\nHost: {host}\nConnection: close\n\n"));
        yield return Raw("absolute-form target for a foreign host", A("GET http://evil.example/Login HTTP/1.1\nHost: {host}\nConnection: close\n\n"));
        yield return Raw("query over the request-line limit", A($"GET /connect/authorize?client_id={Spa}&state={Huge} HTTP/1.1\nHost: {{host}}\nConnection: close\n\n"));
        yield return Raw("cookie header over the header limit", A($"GET /Login HTTP/1.1\nHost: {{host}}\nCookie: iess.af={Huge}\nConnection: close\n\n"));
        yield return Raw("Authorization header over the header limit", A($"GET /connect/userinfo HTTP/1.1\nHost: {{host}}\nAuthorization: Bearer {Huge}\nConnection: close\n\n"));
        yield return Raw("bare LF line endings with space before colon", A("GET /Login HTTP/1.1\nHost : {host}\nConnection: close\n\n"));
    }

    private static IEnumerable<(string Name, string Value)> BogusAuthorizationHeaders() =>
    [
        ("Bearer garbage", "Bearer garbage"),
        ("Bearer empty", "Bearer "),
        ("Bearer fake JWT alg none", "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxNzEwMDM0MDY1In0."),
        ("Bearer JWT with bad signature", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"),
        ("Bearer 4 KB", "Bearer " + new string('t', 4096)),
        ("Basic not base64", "Basic ***"),
        ("Basic without colon", "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("nocolon"))),
        ("Basic for unknown client", Basic("no-such-client", "x")),
        ("Basic empty", "Basic "),
        ("Digest scheme", "Digest username=\"x\""),
        ("scheme only", "Bearer"),
        ("garbage", "%%%%"),
    ];

    private static MalformedRequest Post(string name, string path, string body, Refusal expect) =>
        new(name, "POST", path, expect) { Body = Encoding.UTF8.GetBytes(body), ContentType = Form };

    private static MalformedRequest Text(string name, string method, string path, string body, string? contentType, Refusal expect) =>
        new(name, method, path, expect) { Body = Encoding.UTF8.GetBytes(body), ContentType = contentType };

    private static MalformedRequest Bytes(string name, string method, string path, byte[] body, string contentType, Refusal expect) =>
        new(name, method, path, expect) { Body = body, ContentType = contentType };

    private static string Fields(int count) => string.Join('&', Enumerable.Range(0, count).Select(i => $"f{i}={i}"));

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password)}"));

    private static string E(string value) => Uri.EscapeDataString(value);
}
