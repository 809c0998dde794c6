using System.Text;
using Iess.Identity.Recovery;

namespace Iess.Identity.Tests.Hosting;

/// <summary>
/// Applies one systematic set of mutations to every discovered endpoint: wrong methods; junk in the query, path
/// segments, headers and cookies; for page forms each field missing, duplicated, huge, with control characters or
/// bytes that are not UTF-8, wrong content types, every way of getting antiforgery wrong and tampered flow cookies;
/// for the admin API forged, expired, revoked and wrong-audience bearer tokens, and, with a valid administrator
/// token, JSON bodies that are invalid, mistyped or oversize. Tokens and the real flow cookie are placeholders
/// (<see cref="Placeholders"/>) that the test fills in when it sends.
/// </summary>
public static class EndpointMutations
{
    /// <summary>Placeholders the test replaces in targets, headers, cookies and bodies.</summary>
    public static class Placeholders
    {
        /// <summary>An access token of an officer holding the administrator role.</summary>
        public const string Administrator = "{{token:administrator}}";

        /// <summary>An access token of an officer with no role.</summary>
        public const string NoRole = "{{token:no-role}}";

        /// <summary>An affiliate's access token from the public demo client (no iess.admin scope).</summary>
        public const string Affiliate = "{{token:affiliate}}";

        /// <summary>An administrator's access token whose token entry was revoked before the run.</summary>
        public const string Revoked = "{{token:revoked}}";

        /// <summary>The value of a real affiliate recovery flow cookie (id.binding), and pieces of it.</summary>
        public const string Flow = "{{flow}}";
        public const string FlowId = "{{flow:id}}";
        public const string FlowOneCharChanged = "{{flow:changed}}";
        public const string FlowTruncated = "{{flow:truncated}}";
    }

    private const string Form = MalformedRequests.Form;
    private const string Json = "application/json";
    private const string Af = MalformedRequests.AntiforgeryPlaceholder;

    /// <summary>
    /// Values a field should never accept, as they go in a urlencoded body or query (already escaped, or raw bytes).
    /// The last ones are well-formed text that is merely unusual: a signed-in page that re-checks the password or an
    /// authenticator code counts a wrong one toward lockout by design, so signed-in requests get only the malformed ones.
    /// </summary>
    private static readonly (string Name, byte[] Value)[] BadValues =
    [
        ("empty", []),
        ("17 KB, over the form value limit", A(new string('A', 17 * 1024))),
        ("2 KB", A(new string('9', 2048))),
        ("control characters", A("%01%02%1B%5B31m%7F")),
        ("NUL", A("17%0010034065")),
        ("CR LF header injection", A("a%0D%0ASet-Cookie%3A%20x%3D1")),
        ("percent-encoded 0xFF 0xFE", A("%FF%FE")),
        ("raw 0xFF 0xFE bytes", [0xFF, 0xFE, 0x41]),
        ("UTF-8 encoded surrogate", A("%ED%A0%80")),
        ("overlong UTF-8", A("%C0%AF%C0%AE")),
        ("markup", A("%3Cscript%3Ealert(1)%3C%2Fscript%3E")),
        ("bidi override and zero-width", A("%E2%80%AE%E2%80%8B1")),
        ("broken percent escape", A("%ZZ%")),
        ("number overflow", A("99999999999999999999999999999")),
        ("negative", A("-1")),
    ];

    /// <summary>Values the application receives as ordinary text: broken percent escapes stay literal ("%FF%FE").</summary>
    private static readonly HashSet<string> WellFormedText =
    [
        "markup", "bidi override and zero-width", "broken percent escape", "number overflow", "negative", "twice",
        "percent-encoded 0xFF 0xFE", "UTF-8 encoded surrogate", "overlong UTF-8",
    ];

    private static readonly string[] WrongMethodsForPages = ["PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"];
    private static readonly string[] AllMethods = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"];

    /// <summary>Junk for query strings that a GET may ignore.</summary>
    private static readonly (string Name, string Query)[] QueryJunk =
    [
        ("unknown parameter 6 KB", "junk=" + new string('q', 6 * 1024)),
        ("control characters", "junk=%01%02%7F"),
        ("NUL", "junk=a%00b"),
        ("0xFF bytes", "junk=%FF%FE"),
        ("surrogate", "junk=%ED%A0%80"),
        ("broken escape", "junk=%ZZ%"),
        ("500 parameters", string.Join('&', Enumerable.Range(0, 500).Select(i => $"p{i}={i}"))),
        ("4 KB key", new string('k', 4096) + "=v"),
        ("same parameter twice", "ReturnUrl=%2F&ReturnUrl=%2F%2Fevil.example"),
        ("open-redirect ReturnUrl", "ReturnUrl=https%3A%2F%2Fevil.example%2F"),
        ("unknown handler", "handler=Bogus%00"),
        ("bogus ui_locales", "ui_locales=%FF%FE"),
        ("paging out of range", "page=0&pageSize=100000"),
        ("paging not numbers", "page=abc&pageSize=%01"),
        ("paging twice", "page=1&page=2"),
    ];

    /// <summary>Path segments appended to an endpoint's path: nothing should match or break.</summary>
    private static readonly (string Name, string Segment)[] PathJunk =
    [
        ("NUL segment", "%00"),
        ("0xFF segment", "%FF%FE"),
        ("encoded traversal", "..%2F..%2Fappsettings.json"),
        ("dot segments", "%2e%2e/%2e%2e/etc/passwd"),
        ("2 KB segment", new string('s', 2048)),
        ("control characters", "%01%1B"),
    ];

    /// <summary>Values for a route parameter: none names anything.</summary>
    private static readonly (string Name, string Value)[] RouteJunk =
    [
        ("empty", ""),
        ("NUL", "a%00"),
        ("0xFF", "%FF%FE"),
        ("encoded slash", "a%2Fb"),
        ("2 KB", new string('7', 2048)),
        ("negative", "-1"),
        ("overflow", "99999999999999999999999"),
        ("not a guid", "00000000-0000-0000-0000-00000000000Z"),
        ("markup", "%3Cscript%3E"),
    ];

    /// <summary>Header junk a GET may ignore. Kestrel itself refuses header values outside ASCII (<see cref="Refusal.Transport"/>).</summary>
    private static readonly (string Name, string Header, string Value)[] HeaderJunk =
    [
        ("huge User-Agent", "User-Agent", new string('u', 8 * 1024)),
        ("control characters in User-Agent", "User-Agent", "a\u0001\u0007\u007Fb"),
        ("control characters in Accept-Language", "Accept-Language", "es\u0001\u001b;q=0.5"),
        ("0xFF in Referer", "Referer", "http://x/\u00FF\u00FE"),
        ("garbage Accept", "Accept", "%%%/;;;q=abc"),
        ("garbage Accept-Language", "Accept-Language", "zz-ZZZZZZZZ;q=2, \u00FF;q=-1, " + new string('e', 2000)),
        ("forged X-Forwarded-For", "X-Forwarded-For", "not-an-ip, 999.999.999.999, ::zz"),
        ("forged X-Forwarded-Host", "X-Forwarded-Host", "evil.example"),
        ("forged X-Forwarded-Proto", "X-Forwarded-Proto", "gopher\u0001"),
        ("garbage If-None-Match", "If-None-Match", "W/\"\u0001, *, zz"),
        ("garbage Range", "Range", "bytes=999999999999999999-1,-,x"),
        ("method override header", "X-HTTP-Method-Override", "DELETE"),
        ("bogus bearer token", "Authorization", "Bearer \u00FF\u00FE"),
    ];

    /// <summary>Cookie junk a GET may ignore.</summary>
    private static readonly (string Name, string Cookies)[] CookieJunk =
    [
        ("garbage session cookie", "iess.session=CfDJ8garbage"),
        ("6 KB session cookie", "iess.session=" + new string('c', 6 * 1024)),
        ("garbage antiforgery cookie", "iess.af=%FF%FE%00"),
        ("garbage culture cookie", ".AspNetCore.Culture=c%3D%FF%7Cuic%3Dzz-%01"),
        ("control characters in a cookie", "junk=\u0001\u0002"),
        ("300 cookies", string.Join("; ", Enumerable.Range(0, 300).Select(i => $"c{i}={i}"))),
    ];

    /// <summary>Flow cookie values that must never load a flow.</summary>
    private static readonly (string Name, string Value)[] FlowCookieJunk =
    [
        ("garbage", "x"),
        ("empty", ""),
        ("real id, wrong binding", Placeholders.FlowId + "." + new string('A', 43)),
        ("random id and binding", "6f1c2d9e8b7a4c3d9e8f7a6b5c4d3e2f.q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJqzw"),
        ("real cookie with one character changed", Placeholders.FlowOneCharChanged),
        ("real cookie truncated", Placeholders.FlowTruncated),
        ("binding not base64", Placeholders.FlowId + ".!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"),
        ("binding too short", Placeholders.FlowId + ".AAAA"),
        ("id with dashes", "6f1c2d9e-8b7a-4c3d-9e8f-7a6b5c4d3e2f." + new string('A', 43)),
        ("4 KB", new string('f', 4096)),
        ("control characters", Placeholders.FlowId + ".\u0001\u0002"),
        ("two dots", Placeholders.FlowId + "..AAAA"),
    ];

    /// <summary>Bearer tokens (and other credentials) that must not open the admin API.</summary>
    private static readonly (string Name, string[] Authorization)[] AdminCredentials =
    [
        ("no token", []),
        ("garbage bearer", ["Bearer garbage"]),
        ("forged unsigned JWT", ["Bearer eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiIxMTA0NjgwMTM1Iiwic2NvcGUiOiJpZXNzLmFkbWluIn0."]),
        ("forged expired JWT", ["Bearer " + ForgedExpiredJwt()]),
        ("affiliate's token", ["Bearer " + Placeholders.Affiliate]),
        ("officer without a role", ["Bearer " + Placeholders.NoRole]),
        ("revoked administrator token", ["Bearer " + Placeholders.Revoked]),
        ("administrator token with a character changed", ["Bearer x" + Placeholders.Administrator]),
        ("Basic credentials", ["Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("1104680135:Funcionario-Seguro-2026"))]),
        ("two Authorization headers", ["Bearer " + Placeholders.Administrator, "Bearer garbage"]),
    ];

    /// <summary>
    /// The mutations of every endpoint; a request two endpoints arrive at (a junk segment after <c>/accounts</c> is also
    /// a junk id for <c>/accounts/{id}</c>) is sent once.
    /// </summary>
    public static IEnumerable<MalformedRequest> For(IReadOnlyList<DiscoveredEndpoint> endpoints) =>
        endpoints.SelectMany(e => e.Kind switch
        {
            EndpointKind.Page => Page(e),
            EndpointKind.AdminApi => Admin(e),
            EndpointKind.Protocol => Protocol(e),
            _ => Api(e),
        }).DistinctBy(r => r.Fingerprint);

    private static IEnumerable<MalformedRequest> Page(DiscoveredEndpoint page)
    {
        var expect = Refusal.SpanishPageOrLocalRedirect;
        var path = page.Path;
        var signedIn = page.RequiresSignIn;
        var flowCookies = FlowCookieNames(page.Template);
        var where = $"page {page.Template}";

        foreach (var request in Common(page, where, expect, signedIn && !GetWritesByDesign(page)))
        {
            yield return request;
        }

        foreach (var (cookie, (name, value)) in flowCookies.SelectMany(c => FlowValues(c).Select(v => (c, v))))
        {
            yield return new MalformedRequest($"{where}: flow cookie {cookie} {name}", "GET", path, expect) { Cookies = $"{cookie}={value}", Ignorable = true };
        }

        if (page.Forms.Count == 0)
        {
            yield return Body($"{where}: POST without a handler", "POST", path, "__af=" + Af, Form, expect) with { Antiforgery = Antiforgery.Valid };
        }

        foreach (var form in page.Forms)
        {
            var target = form.Handler.Length == 0 ? path : $"{path}?handler={form.Handler}";
            var what = $"{where} {(form.Handler.Length == 0 ? "form" : "handler " + form.Handler)}";
            var baseBody = FormBody(form.Fields.Select(f => (f, Array.Empty<byte>())));

            foreach (var af in new[] { Antiforgery.None, Antiforgery.CookieOnly, Antiforgery.TokenOnly, Antiforgery.Forged, Antiforgery.TokenFromOtherCookie })
            {
                // Anonymous posts to a page for signed-in users are sent to sign in before antiforgery is checked.
                var request = Bytes($"{what}: antiforgery {af}", "POST", target, baseBody, Form, signedIn ? expect : Refusal.SpanishPage) with { Antiforgery = af };
                yield return request;
                if (signedIn)
                {
                    yield return request with { Name = request.Name + " (signed in)", SignedIn = true, Expect = Refusal.SpanishPage };
                }

                foreach (var cookie in flowCookies)
                {
                    yield return request with { Name = request.Name + $" with the real flow cookie as {cookie}", Cookies = $"{cookie}={Placeholders.Flow}" };
                }
            }

            foreach (var request in FormMutations(what, "POST", target, form.Fields, expect))
            {
                yield return request with { Antiforgery = Antiforgery.Valid };
                if (signedIn && !WellFormedText.Any(w => request.Name.EndsWith(" " + w, StringComparison.Ordinal)))
                {
                    yield return request with { Name = request.Name + " (signed in)", Antiforgery = Antiforgery.Valid, SignedIn = true };
                }
            }

            foreach (var (cookie, (name, value)) in flowCookies.SelectMany(c => FlowValues(c).Select(v => (c, v))))
            {
                yield return Bytes($"{what}: flow cookie {cookie} {name}", "POST", target, baseBody, Form, expect) with { Antiforgery = Antiforgery.Valid, Cookies = $"{cookie}={value}" };
            }

            foreach (var method in WrongMethodsForPages.Except(page.Methods))
            {
                yield return Bytes($"{what} via {method}", method, target, baseBody, Form, expect) with { Antiforgery = Antiforgery.Valid };
            }
        }

        yield return Body($"{where}: unknown handler", "POST", $"{path}?handler=NoSuchHandler", "__af=" + Af, Form, expect) with { Antiforgery = Antiforgery.Valid };
    }

    private static IEnumerable<MalformedRequest> Api(DiscoveredEndpoint api)
    {
        var expect = Refusal.SpanishPageOrLocalRedirect;
        var where = $"endpoint {api.Template}";
        foreach (var request in Common(api, where, expect, signedIn: false))
        {
            yield return request;
        }

        foreach (var method in api.Methods.Where(m => m != "GET" && m != "HEAD"))
        {
            foreach (var request in ContentTypeMutations(where, method, api.Path, expect))
            {
                yield return request;
            }
        }
    }

    private static IEnumerable<MalformedRequest> Protocol(DiscoveredEndpoint endpoint)
    {
        var path = endpoint.Template;
        var expect = path is "/connect/authorize" or "/connect/endsession" ? Refusal.SpanishPage
            : path.StartsWith("/.well-known", StringComparison.Ordinal) ? Refusal.OAuthErrorOrSpanishPage
            : Refusal.OAuthError;
        var where = $"protocol {path}";
        foreach (var request in Common(endpoint, where, expect, signedIn: false))
        {
            yield return request;
        }

        var fields = endpoint.ProtocolFields.Select(f => f.Key).ToList();
        var values = endpoint.ProtocolFields.ToDictionary(f => f.Key, f => A(Uri.EscapeDataString(f.Value)));
        foreach (var method in endpoint.Methods.Where(m => fields.Count > 0))
        {
            foreach (var request in FormMutations(where, method, path, fields, expect, values))
            {
                yield return request;
            }
        }
    }

    private static IEnumerable<MalformedRequest> Admin(DiscoveredEndpoint endpoint)
    {
        var expect = Refusal.ProblemDetails;
        var where = $"admin {endpoint.Template}";
        var path = endpoint.Path;
        var admin = Bearer(Placeholders.Administrator);
        var methods = endpoint.Methods.Count > 0 ? endpoint.Methods : ["GET"];
        var withBody = methods.Where(m => m is not ("GET" or "HEAD" or "DELETE")).ToList();

        foreach (var method in methods)
        {
            var body = withBody.Contains(method) ? A("{}") : null;
            foreach (var (name, authorization) in AdminCredentials)
            {
                yield return new MalformedRequest($"{where} via {method}: {name}", method, path, expect)
                {
                    Body = body,
                    ContentType = body is null ? null : Json,
                    Headers = [.. authorization.Select(a => KeyValuePair.Create("Authorization", a))],
                };
            }

            yield return new MalformedRequest($"{where} via {method}: administrator token in the query only", method, $"{path}?access_token={Placeholders.Administrator}", expect)
            {
                Body = body, ContentType = body is null ? null : Json,
            };
            yield return new MalformedRequest($"{where} via {method}: affiliate's session cookie instead of a token", method, path, expect)
            {
                Body = body, ContentType = body is null ? null : Json, SignedIn = true,
            };
        }

        foreach (var method in AllMethods.Except(methods))
        {
            yield return new MalformedRequest($"{where}: wrong method {method}", method, path, expect) { Headers = admin };
            yield return new MalformedRequest($"{where}: wrong method {method}, HTML only accepted", method, path, expect)
            {
                Headers = [.. admin, KeyValuePair.Create("Accept", "text/html")],
            };
        }

        foreach (var (parameter, (name, value)) in endpoint.RouteValues.Keys.SelectMany(p => RouteJunk.Select(j => (p, j))))
        {
            foreach (var method in methods)
            {
                var body = withBody.Contains(method) ? A("{}") : null;
                // An empty value may land on the list endpoint one segment up (GET /api/admin/accounts/): a read, fine.
                yield return Targeted(new MalformedRequest($"{where} via {method}: route value {parameter} {name}", method, endpoint.PathWith(parameter, value), expect)
                {
                    Headers = admin, Body = body, ContentType = body is null ? null : Json, Ignorable = value.Length == 0 && method == "GET",
                });
            }
        }

        foreach (var (name, segment) in PathJunk)
        {
            yield return Targeted(new MalformedRequest($"{where}: path {name}", methods[0], $"{path.TrimEnd('/')}/{segment}", expect) { Headers = admin });
        }

        foreach (var method in methods.Where(m => m is "GET" or "HEAD"))
        {
            foreach (var (name, query) in QueryJunk)
            {
                yield return new MalformedRequest($"{where}: query {name}", method, $"{path}?{query}", expect) { Headers = admin, Ignorable = true };
            }

            foreach (var (name, header, value) in HeaderJunk.Where(h => h.Header != "Authorization"))
            {
                yield return WithHeader(new MalformedRequest($"{where}: header {name}", method, path, expect) { Headers = admin, Ignorable = true }, header, value);
            }
        }

        foreach (var method in withBody.Concat(methods.Where(m => m == "DELETE" && endpoint.AcceptsJson)))
        {
            foreach (var (name, body, contentType) in JsonMutations(endpoint.JsonProperties))
            {
                var request = new MalformedRequest($"{where} via {method}: {name}", method, path, expect) { Headers = admin, Body = body, ContentType = contentType };
                if (name.StartsWith("over 1 MB", StringComparison.Ordinal))
                {
                    request = request with { Headers = [.. admin, KeyValuePair.Create("Expect", "100-continue")] };
                }

                yield return request;
            }

            foreach (var (name, value) in new[]
            {
                ("weak", "W/\"abc\""), ("star", "*"), ("unquoted", "abc"), ("two tags", "\"a\", \"b\""), ("empty tag", "\"\""),
                ("control characters", "\"a\u0001\""), ("4 KB", "\"" + new string('e', 4096) + "\""),
            })
            {
                yield return new MalformedRequest($"{where} via {method}: If-Match {name}", method, path, expect)
                {
                    Headers = [.. admin, KeyValuePair.Create("If-Match", value)],
                    Body = A("{\"reason\":\"x\"}"),
                    ContentType = Json,
                };
            }
        }
    }

    /// <summary>A GET carrying a junk header: ignorable, except that Kestrel refuses values outside ASCII before the app runs.</summary>
    private static MalformedRequest WithHeader(MalformedRequest request, string header, string value) =>
        request with
        {
            Headers = [.. request.Headers, KeyValuePair.Create(header, value)],
            Expect = value.Any(c => c > 0x7E) ? Refusal.Transport : request.Expect,
        };

    /// <summary>
    /// A request whose target Kestrel refuses itself: a NUL in the path (400), or a request line over its 8 KB limit
    /// (414); otherwise the expectation stays. Dot segments are removed by Kestrel, so the target is another path: a
    /// 404 as problem details if it is still under the admin API, else the Spanish page.
    /// </summary>
    private static MalformedRequest Targeted(MalformedRequest request)
    {
        if (request.Target.Contains("%00", StringComparison.Ordinal) || request.Target.Length > 8000)
        {
            return request with { Expect = Refusal.Transport };
        }

        if (!request.Target.Contains("%2e%2e/", StringComparison.Ordinal))
        {
            return request;
        }

        var landing = new Uri(new Uri("http://host"), request.Target.Replace("%2e", ".", StringComparison.Ordinal)).AbsolutePath;
        var admin = landing.StartsWith(Iess.Identity.AdminApi.AdminApiExtensions.Prefix + "/", StringComparison.OrdinalIgnoreCase);
        return request with { Expect = admin ? Refusal.ProblemDetails : Refusal.SpanishPage, Ignorable = false };
    }

    /// <summary>Wrong methods, and junk in the query, path, headers and cookies, for any endpoint.</summary>
    private static IEnumerable<MalformedRequest> Common(DiscoveredEndpoint endpoint, string where, Refusal expect, bool signedIn)
    {
        var path = endpoint.Path;
        var reads = endpoint.Methods.Count == 0 || endpoint.Methods.Contains("GET");
        var browsers = signedIn ? new[] { false, true } : [false];
        foreach (var method in endpoint.Methods.Count == 0 ? [] : AllMethods.Except(endpoint.Methods).Except(endpoint.Kind == EndpointKind.Page ? ["POST"] : []))
        {
            yield return new MalformedRequest($"{where}: wrong method {method}", method, path, expect);
        }

        // A path below the endpoint is no endpoint: the Spanish 404 page (an OAuth error would do for protocol paths).
        var below = expect is Refusal.OAuthError or Refusal.SpanishPage ? Refusal.OAuthErrorOrSpanishPage : expect;
        foreach (var (name, segment) in PathJunk)
        {
            yield return Targeted(new MalformedRequest($"{where}: path {name}", reads ? "GET" : endpoint.Methods[0], $"{path.TrimEnd('/')}/{segment}", below) { Ignorable = true });
        }

        foreach (var (parameter, (name, value)) in endpoint.RouteValues.Keys.SelectMany(p => RouteJunk.Select(j => (p, j))))
        {
            yield return Targeted(new MalformedRequest($"{where}: route value {parameter} {name}", reads ? "GET" : endpoint.Methods[0], endpoint.PathWith(parameter, value), expect) { Ignorable = true });
        }

        if (!reads)
        {
            yield break;
        }

        foreach (var browser in browsers)
        {
            var who = browser ? " (signed in)" : "";
            foreach (var (name, query) in QueryJunk)
            {
                yield return new MalformedRequest($"{where}: query {name}{who}", "GET", $"{path}?{query}", expect) { Ignorable = true, SignedIn = browser };
            }

            foreach (var (name, header, value) in HeaderJunk)
            {
                yield return WithHeader(new MalformedRequest($"{where}: header {name}{who}", "GET", path, expect) { Ignorable = true, SignedIn = browser }, header, value);
            }

            foreach (var (name, cookies) in CookieJunk)
            {
                yield return new MalformedRequest($"{where}: cookies {name}{who}", "GET", path, expect) { Cookies = cookies, Ignorable = true, SignedIn = browser };
            }
        }
    }

    /// <summary>Each field missing, duplicated or given each bad value; then the whole body broken.</summary>
    private static IEnumerable<MalformedRequest> FormMutations(string where, string method, string path, IReadOnlyList<string> fields, Refusal expect, IReadOnlyDictionary<string, byte[]>? values = null)
    {
        byte[] Value(string field) => values?.GetValueOrDefault(field) ?? [];
        MalformedRequest Send(string name, IEnumerable<(string, byte[])> form) =>
            method == "GET"
                ? Targeted(new MalformedRequest($"{where} via GET: {name}", "GET", path + "?" + Encoding.Latin1.GetString(FormBody(form, antiforgery: false)), expect))
                : Bytes($"{where}: {name}", method, path, FormBody(form), Form, expect);

        foreach (var field in fields)
        {
            var others = fields.Where(f => f != field).Select(f => (f, Value(f))).ToList();
            yield return Send($"{field} missing", others);
            yield return Send($"{field} twice", [.. others, (field, A("a")), (field, A("b"))]);
            yield return Send($"{field} as an indexed name", [.. others, (field + "[0]", A("a"))]);
            foreach (var (name, bad) in BadValues)
            {
                yield return Send($"{field} {name}", [.. others, (field, bad)]);
            }
        }

        if (method == "GET")
        {
            yield break;
        }

        var all = fields.Select(f => (f, Value(f))).ToList();
        yield return Send("300 fields, over the field count limit", [.. all, .. Enumerable.Range(0, 300).Select(i => ($"f{i}", A("1")))]);
        yield return Send("a 300-character field name", [.. all, (new string('n', 300), A("1"))]);
        yield return Send("an unknown 17 KB field", [.. all, ("zz", A(new string('z', 17 * 1024)))]);
        var valid = FormBody(all);
        yield return Bytes($"{where}: body with a broken escape in a name", method, path, [.. valid, .. A("&%ZZ%=1")], Form, expect);
        yield return Bytes($"{where}: body of raw 0xFF bytes", method, path, [.. valid, .. A("&"), 0xFF, 0xFE, 0xFD, 0x00], Form, expect);
        yield return Bytes($"{where}: body of separators only", method, path, [.. valid, .. A("&&&===&=")], Form, expect);
        foreach (var request in ContentTypeMutations(where, method, path, expect, Encoding.Latin1.GetString(valid)))
        {
            yield return request;
        }
    }

    /// <summary>A form body sent with the wrong content type, or none, or a broken one.</summary>
    private static IEnumerable<MalformedRequest> ContentTypeMutations(string where, string method, string path, Refusal expect, string form = "")
    {
        var body = form.Length > 0 ? form : "__af=" + Af;
        yield return Body($"{where}: form as JSON", method, path, body, Json, expect);
        yield return Body($"{where}: form as text/plain", method, path, body, "text/plain", expect);
        yield return Body($"{where}: form as XML", method, path, body, "application/xml", expect);
        yield return Body($"{where}: form without a content type", method, path, body, null, expect);
        yield return Body($"{where}: multipart without a boundary", method, path, body, "multipart/form-data", expect);
        yield return Body($"{where}: multipart never closed", method, path, "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nabc", "multipart/form-data; boundary=b", expect);
        yield return Body($"{where}: form in UTF-16", method, path, body, Form + "; charset=utf-16", expect);
        yield return Body($"{where}: form in an unknown charset", method, path, body, Form + "; charset=klingon", expect);
        yield return Body($"{where}: garbage content type", method, path, body, "%%%/;;;", expect);
    }

    /// <summary>JSON bodies an admin endpoint must refuse with 400/413/415 problem details.</summary>
    private static IEnumerable<(string Name, byte[] Body, string? ContentType)> JsonMutations(IReadOnlyList<string> properties)
    {
        foreach (var text in new[]
        {
            "", "{", "}", "[", "{\"reason\":}", "{\"reason\":\"unterminated}", "{\"reason\":\"a\",}", "{'reason':'single quotes'}",
            "{\"reason\":NaN}", "{/*comment*/\"reason\":\"a\"}", "nul", "{\"reason\":\"a\"}{\"reason\":\"b\"}", "\u0000{}",
            "null", "[]", "0", "true", "\"text\"", "{}", "{\"reason\":\"\\uD800 lone surrogate\"}", "{\"reason\":\"\\u0000\\u0001\\u001b\"}",
            "{\"reason\":\"a\",\"reason\":\"b\"}", "{\"reason\":1e400}",
        })
        {
            yield return ($"JSON {Printable(text)}", Encoding.UTF8.GetBytes(text), Json);
        }

        yield return ("JSON nested 200 deep", A(string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200)), Json);
        yield return ("JSON with raw 0xFF bytes in a string", [.. A("{\"reason\":\""), 0xFF, 0xFE, .. A("\"}")], Json);
        yield return ("JSON in UTF-16", Encoding.Unicode.GetBytes("{\"reason\":\"Motivo suficiente\"}"), Json);
        yield return ("JSON declared UTF-16", A("{\"reason\":\"Motivo suficiente\"}"), Json + "; charset=utf-16");
        yield return ("JSON with an unknown charset", A("{}"), Json + "; charset=klingon");
        yield return ("JSON with an extra 500 KB field", A("{\"zz\":\"" + new string('z', 500 * 1024) + "\"}"), Json);
        yield return ("over 1 MB of JSON", A("{\"zz\":\"" + new string('z', 1100 * 1024) + "\"}"), Json);
        foreach (var contentType in new[] { null, "text/plain", Form, "application/xml", "multipart/form-data; boundary=b", "application/problem+json+x", "%%%" })
        {
            yield return ($"JSON sent as {contentType ?? "no content type"}", A("{}"), contentType);
        }

        foreach (var property in properties)
        {
            foreach (var (name, value) in new[]
            {
                ("a number", "12345"), ("a boolean", "true"), ("an object", "{\"a\":1}"), ("an array", "[1,2]"), ("null", "null"),
                ("200 KB", "\"" + new string('p', 200 * 1024) + "\""), ("control characters", "\"\\u0000\\u0001\\u001b[31m\""),
                ("a huge number", "1e400"), ("markup", "\"<script>alert(1)</script>\""),
            })
            {
                yield return ($"JSON {property} is {name}", A($"{{\"{property}\":{value}}}"), Json);
            }

            var others = properties.Where(p => p != property).Select(p => $"\"{p}\":\"x\"");
            yield return ($"JSON without {property}", A("{" + string.Join(',', others) + "}"), Json);
        }
    }

    /// <summary>The flow cookies whose path covers this page.</summary>
    private static IReadOnlyList<string> FlowCookieNames(string template) =>
        [.. new[] { FlowKind.AffiliateRecovery, FlowKind.AffiliateActivation, FlowKind.EmployerRecovery, FlowKind.EmployerActivation }
            .Select(FlowStore.Cookie)
            .Where(c => template.StartsWith(c.Path, StringComparison.OrdinalIgnoreCase))
            .Select(c => c.Name)];

    /// <summary>Tampered values, and for the other kinds of flow the real recovery cookie (a flow of another kind).</summary>
    private static IEnumerable<(string Name, string Value)> FlowValues(string cookie) =>
        cookie == FlowStore.Cookie(FlowKind.AffiliateRecovery).Name ? FlowCookieJunk : FlowCookieJunk.Append(("a real flow of another kind", Placeholders.Flow));

    /// <summary>
    /// The enrolment page makes a fresh authenticator key on each visit by design (and so a new security stamp, which
    /// ends the session a minute later): signed-in GETs of it would change the account.
    /// </summary>
    public static bool GetWritesByDesign(DiscoveredEndpoint page) => page.Template.Equals("/Profile/Totp", StringComparison.OrdinalIgnoreCase);

    private static byte[] FormBody(IEnumerable<(string Name, byte[] Value)> fields, bool antiforgery = true)
    {
        var body = new List<byte>();
        foreach (var (name, value) in fields)
        {
            if (body.Count > 0)
            {
                body.Add((byte)'&');
            }

            body.AddRange(A(Uri.EscapeDataString(name)));
            body.Add((byte)'=');
            body.AddRange(value);
        }

        if (antiforgery)
        {
            body.AddRange(A((body.Count > 0 ? "&" : "") + "__af=" + Af));
        }

        return [.. body];
    }

    private static IReadOnlyList<KeyValuePair<string, string>> Bearer(string token) => [KeyValuePair.Create("Authorization", "Bearer " + token)];

    private static MalformedRequest Body(string name, string method, string path, string body, string? contentType, Refusal expect) =>
        new(name, method, path, expect) { Body = A(body), ContentType = contentType };

    private static MalformedRequest Bytes(string name, string method, string path, byte[] body, string? contentType, Refusal expect) =>
        new(name, method, path, expect) { Body = body, ContentType = contentType };

    private static string ForgedExpiredJwt()
    {
        static string B(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{B("{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"forged\"}")}.{B("{\"sub\":\"x\",\"scope\":\"iess.admin\",\"exp\":946684800,\"iss\":\"http://localhost/\"}")}.{B("not a signature")}";
    }

    private static string Printable(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static byte[] A(string text) => Encoding.Latin1.GetBytes(text);
}
