using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Iess.Identity.Accounts;
using Iess.Identity.AdminApi;
using Iess.Identity.Data;
using Iess.Identity.Recovery;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using P = Iess.Identity.Tests.Hosting.EndpointMutations.Placeholders;

namespace Iess.Identity.Tests.Hosting;

/// <summary>
/// Sends every request from <see cref="MalformedRequests"/> — the hand-written ones and those generated for every
/// endpoint the running server has (<see cref="EndpointCatalog"/>, <see cref="EndpointMutations"/>) — to the real
/// server on a real port and checks the rule "bad input gets a clear error and changes nothing": a 4xx (never a
/// 5xx), an OAuth error, a Spanish page or problem details, no redirect to another host, and no row changed outside
/// the audit log.
/// </summary>
public sealed partial class MalformedRequestTests : IAsyncLifetime
{
    private static readonly HashSet<string> UncheckedTables = new(StringComparer.OrdinalIgnoreCase) { "AuditEvents", "DataProtectionKeys" };

    private readonly IessServerFactory server = new();
    private HttpClient http = null!;
    private Browser anonymous = null!;
    private Browser otherBrowser = null!;
    private Browser signedIn = null!;
    private IReadOnlyList<DiscoveredEndpoint> endpoints = [];
    private Dictionary<string, string> placeholders = [];

    public async Task InitializeAsync()
    {
        http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            RequestHeaderEncodingSelector = (_, _) => Encoding.Latin1,
        })
        {
            BaseAddress = server.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

        // Warm-up: the first antiforgery token may create a data-protection key; signing in writes audit rows only.
        anonymous = await OpenBrowserAsync("/Login", session: null);
        otherBrowser = await OpenBrowserAsync("/Login", session: null);
        signedIn = await SignInAsync();

        // Everything the generated requests need, made before the "before" snapshot: real tokens (an administrator's,
        // an officer's without a role, an affiliate's, a revoked one) and a real recovery flow bound to a browser.
        placeholders = new Dictionary<string, string>
        {
            [P.Administrator] = await OfficerTokens.AccessTokenAsync(server, OfficerRoles.Administrator),
            [P.NoRole] = await OfficerTokens.AccessTokenAsync(server),
            [P.Affiliate] = await PublicClientTokens.AccessTokenAsync(server.BaseAddress, SignInAnswers.Affiliate),
            [P.Revoked] = await RevokedAdministratorTokenAsync(),
        };
        foreach (var (key, value) in await RealFlowCookieAsync())
        {
            placeholders[key] = value;
        }

        endpoints = await HarvestFormsAsync(await EndpointCatalog.DiscoverAsync(server.Services));
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await server.DisposeAsync();
    }

    [Fact]
    public void Generator_ProducesAtLeast5000DistinctRequests_CoveringEveryEndpoint()
    {
        var requests = MalformedRequests.All(endpoints);
        var duplicates = requests.GroupBy(r => r.Fingerprint).Where(g => g.Count() > 1).Select(g => g.First().ToString()).ToList();

        Assert.True(duplicates.Count == 0, "Requests sent twice:\n" + string.Join('\n', duplicates));
        Assert.True(requests.Count >= 5000, $"Only {requests.Count} malformed requests.");

        // Discovery found the kinds of endpoint the server has, so a new page or admin endpoint is covered without edits.
        foreach (var expected in new[] { "/Login", "/Recovery/Know", "/Activate/Profile", "/Employer/Recovery/Reset", "/Profile/Password", "/api/admin/me", "/connect/token", "/.well-known/jwks", "/Language" })
        {
            Assert.Contains(endpoints, e => e.Template.Equals(expected, StringComparison.OrdinalIgnoreCase));
        }

        Assert.Contains(endpoints.Single(e => e.Template == "/Recovery/Know").Forms.SelectMany(f => f.Fields), f => f == "DateOfBirth");
        Assert.Contains(endpoints.Single(e => e.Template == "/Profile/Email").Forms, f => f.Handler == "Confirm");
        var thin = endpoints
            .Select(e => (e.Template, Count: requests.Count(r => r.Name.Contains(" " + e.Template, StringComparison.Ordinal))))
            .Where(e => e.Count < 30)
            .ToList();
        Assert.True(thin.Count == 0, "Endpoints with fewer than 30 malformed requests: " + string.Join(", ", thin));
    }

    [Fact]
    public async Task MalformedRequests_AreRefusedWith4xx_ClearError_AndChangeNothing()
    {
        var requests = MalformedRequests.All(endpoints);
        var before = await SnapshotAsync();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (request, _) =>
        {
            Reply reply;
            try
            {
                reply = request.Raw is not null ? await SendRawAsync(request.Raw) : await SendAsync(request);
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException or SocketException or TaskCanceledException)
            {
                failures.Add($"{request}: no answer ({exception.GetType().Name}: {exception.Message})");
                return;
            }

            if (Problem(request, reply) is { } problem)
            {
                failures.Add($"{request} → {(int)reply.Status}: {problem}");
            }
        });
        Console.WriteLine($"Sent {requests.Count} malformed requests to {endpoints.Count} endpoints in {clock.Elapsed.TotalSeconds:F1} s.");

        var after = await SnapshotAsync();
        var changed = before.Keys.Union(after.Keys).Order()
            .Where(t => before.GetValueOrDefault(t)?.Summary != after.GetValueOrDefault(t)?.Summary)
            .Select(t => $"table {t} changed: {before.GetValueOrDefault(t)?.Summary} → {after.GetValueOrDefault(t)?.Summary}; now "
                + string.Join(" | ", (after.GetValueOrDefault(t)?.Rows ?? []).Except(before.GetValueOrDefault(t)?.Rows ?? []).Take(3).Select(r => r.Replace('\u001f', ' '))))
            .ToList();

        Assert.True(failures.IsEmpty && changed.Count == 0,
            $"{failures.Count} of {requests.Count} malformed requests were not refused cleanly; {changed.Count} tables changed:\n"
            + string.Join('\n', changed.Concat(failures.Order().Take(2000))));
    }

    private string? Problem(MalformedRequest request, Reply reply)
    {
        var status = (int)reply.Status;
        if (reply.Location is { } location && Uri.TryCreate(server.BaseAddress, location, out var target)
            && !string.Equals(target.Authority, server.BaseAddress.Authority, StringComparison.OrdinalIgnoreCase))
        {
            return $"redirects to a foreign host: {location}";
        }

        if (request.Expect == Refusal.HttpVersionNotSupported)
        {
            return status == 505 ? null : $"expected Kestrel's 505 for an unknown HTTP version; body={Excerpt(reply.Body)}";
        }

        if (request.Ignorable && status is >= 200 and < 400)
        {
            return null;
        }

        if (request.Expect == Refusal.SpanishPageOrLocalRedirect && status is >= 300 and < 400 && reply.Location is not null)
        {
            return null;
        }

        // A flow step refused for what its fields say (a link that is no link, a code that is no code) shows its form
        // again with the reason and a 200, exactly as for a wrong answer, so the two cannot be told apart.
        if (request.Expect == Refusal.SpanishPageOrLocalRedirect && status == 200 && request.Method != "GET"
            && reply.Body.Contains("lang=\"es-EC\"", StringComparison.Ordinal) && reply.Body.Contains("role=\"alert\"", StringComparison.Ordinal))
        {
            return null;
        }

        if (status is < 400 or >= 500)
        {
            return $"expected a 4xx; Location={reply.Location}; body={Excerpt(reply.Body)}";
        }

        var isHtml = reply.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true;
        var spanishPage = isHtml && reply.Body.Contains("lang=\"es-EC\"", StringComparison.Ordinal);
        var oauthError = HasOAuthError(reply);
        return request.Expect switch
        {
            Refusal.OAuthError when !oauthError => $"no OAuth error; content-type={reply.ContentType}; WWW-Authenticate={reply.WwwAuthenticate}; body={Excerpt(reply.Body)}",
            Refusal.ProblemDetails when !IsProblemDetails(reply) => $"no problem details; content-type={reply.ContentType}; body={Excerpt(reply.Body)}",
            Refusal.SpanishPage or Refusal.SpanishPageOrLocalRedirect when !spanishPage => $"no Spanish page; content-type={reply.ContentType}; body={Excerpt(reply.Body)}",
            Refusal.OAuthErrorOrSpanishPage when !oauthError && !spanishPage => $"neither an OAuth error nor a Spanish page; content-type={reply.ContentType}; body={Excerpt(reply.Body)}",
            _ => null,
        };
    }

    private static bool IsProblemDetails(Reply reply)
    {
        if (reply.ContentType?.StartsWith("application/problem+json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(reply.Body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("status", out var status)
                && status.ValueKind == JsonValueKind.Number && status.GetInt32() == (int)reply.Status;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool HasOAuthError(Reply reply)
    {
        // RFC 6750 §3.1: a request with no usable bearer token gets the challenge without an error code.
        if (reply.WwwAuthenticate?.StartsWith("Bearer", StringComparison.OrdinalIgnoreCase) == true)
        {
            return true;
        }

        if (reply.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(reply.Body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.String
                && error.GetString() is { Length: > 0 };
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private async Task<Reply> SendAsync(MalformedRequest request)
    {
        var browser = request.SignedIn ? signedIn : anonymous;
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), Fill(request.Target));
        var (cookie, token) = request.Antiforgery switch
        {
            Antiforgery.None => (null, "missing"),
            Antiforgery.Valid => (browser.AntiforgeryCookie, browser.AntiforgeryToken),
            Antiforgery.CookieOnly => (browser.AntiforgeryCookie, ""),
            Antiforgery.TokenOnly => (null, browser.AntiforgeryToken),
            Antiforgery.Forged => (browser.AntiforgeryCookie, "CfDJ8" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(96)).Replace('+', '-').Replace('/', '_')),
            Antiforgery.TokenFromOtherCookie => (otherBrowser.AntiforgeryCookie, browser.AntiforgeryToken),
            _ => throw new ArgumentOutOfRangeException(nameof(request)),
        };

        var cookies = new[] { cookie, browser.Session, request.Cookies is null ? null : Fill(request.Cookies) }.Where(c => c is not null).ToList();
        if (cookies.Count > 0)
        {
            message.Headers.TryAddWithoutValidation("Cookie", string.Join("; ", cookies));
        }

        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, Fill(value));
        }

        if (request.Body is not null)
        {
            var body = ReplaceAscii(request.Body, MalformedRequests.AntiforgeryPlaceholder, Uri.EscapeDataString(token));
            body = placeholders.Aggregate(body, (bytes, p) => ReplaceAscii(bytes, p.Key, p.Value));
            message.Content = new ByteArrayContent(body);
            if (request.ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            }

            if (request.Antiforgery == Antiforgery.Valid && request.ContentType?.Contains("json", StringComparison.Ordinal) == true)
            {
                message.Headers.TryAddWithoutValidation("X-CSRF-TOKEN", token);
            }
        }

        using var response = await http.SendAsync(message);
        return new Reply(
            response.StatusCode,
            response.Content.Headers.ContentType?.ToString(),
            response.Headers.Location?.OriginalString,
            response.Headers.WwwAuthenticate.ToString(),
            await response.Content.ReadAsStringAsync());
    }

    /// <summary>Writes the bytes to a bare socket, for requests HttpClient refuses to write, and reads until the server closes.</summary>
    private async Task<Reply> SendRawAsync(byte[] raw)
    {
        var address = server.BaseAddress;
        var bytes = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(raw).Replace("{host}", address.Authority, StringComparison.Ordinal));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port, timeout.Token);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(bytes, timeout.Token);
        }
        catch (IOException)
        {
            // The server may answer and close before the whole of an oversize request is written; read its answer.
        }

        using var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received, timeout.Token);
        }
        catch (IOException) when (received.Length > 0)
        {
            // A reset after the answer (the server closes with unread request bytes): the answer is what counts.
        }

        var text = Encoding.Latin1.GetString(received.ToArray());
        var match = StatusLine().Match(text);
        if (!match.Success)
        {
            throw new IOException($"No HTTP status line in {received.Length} bytes.");
        }

        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? text : text[..split];
        string? Header(string name) => Regex.Match(head, $"^{name}:\\s*(.*?)\\r?$", RegexOptions.Multiline | RegexOptions.IgnoreCase) is { Success: true } m ? m.Groups[1].Value : null;
        return new Reply((HttpStatusCode)int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Header("Content-Type"), Header("Location"),
            Header("WWW-Authenticate"), split < 0 ? "" : text[(split + 4)..]);
    }

    /// <summary>Row counts and a hash of every row of every table (all columns), except the append-only audit log and data-protection keys.</summary>
    private async Task<Dictionary<string, Table>> SnapshotAsync()
    {
        await using var scope = server.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
        var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Where(t => !UncheckedTables.Contains(t)).Distinct().Order().ToList();
        Assert.Contains("AspNetUsers", tables);
        Assert.Contains("OpenIddictTokens", tables);

        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            var snapshot = new Dictionary<string, Table>(StringComparer.OrdinalIgnoreCase);
            foreach (var table in tables)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT * FROM \"{table}\"";
                var rows = new List<string>();
                await using (var reader = await command.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        rows.Add(Row(reader));
                    }
                }

                rows.Sort(StringComparer.Ordinal);
                var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', rows))))[..16];
                snapshot[table] = new Table($"{rows.Count} rows #{hash}", rows);
            }

            return snapshot;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static string Row(DbDataReader reader)
    {
        var values = new string[reader.FieldCount];
        for (var i = 0; i < reader.FieldCount; i++)
        {
            values[i] = reader.GetName(i) + "=" + (reader.IsDBNull(i) ? "∅" : reader.GetValue(i) switch
            {
                byte[] bytes => Convert.ToHexString(bytes),
                IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                var value => value.ToString() ?? "",
            });
        }

        return string.Join('\u001f', values);
    }

    /// <summary>A browser's antiforgery cookie and form token (from a page's form), and its session cookie if signed in.</summary>
    private async Task<Browser> OpenBrowserAsync(string page, string? session, string? antiforgeryCookie = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, page);
        var cookies = new[] { antiforgeryCookie, session }.Where(c => c is not null).ToList();
        if (cookies.Count > 0)
        {
            message.Headers.Add("Cookie", string.Join("; ", cookies));
        }

        using var response = await http.SendAsync(message);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var token = AntiforgeryField().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException($"No antiforgery field on {page}.");
        var cookie = antiforgeryCookie ?? Cookies(response).Single(c => c.StartsWith("iess.af=", StringComparison.Ordinal));
        return new Browser(cookie, token, session);
    }

    private async Task<Browser> SignInAsync()
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/Login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.Identifier"] = DemoAccounts.AffiliateCedula,
                ["Input.Password"] = DemoAccounts.AffiliatePassword,
                ["__af"] = anonymous.AntiforgeryToken,
            }),
        };
        message.Headers.Add("Cookie", anonymous.AntiforgeryCookie);
        using var response = await http.SendAsync(message);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var session = Cookies(response).Single(c => c.StartsWith("iess.session=", StringComparison.Ordinal));

        // The form token is bound to the signed-in account, so take a fresh one from a page seen while signed in.
        return await OpenBrowserAsync("/Logout", session, anonymous.AntiforgeryCookie);
    }

    private string Fill(string text) =>
        text.Contains("{{", StringComparison.Ordinal) ? placeholders.Aggregate(text, (t, p) => t.Replace(p.Key, p.Value, StringComparison.Ordinal)) : text;

    /// <summary>An administrator's access token, then every token of that officer revoked in the store.</summary>
    private async Task<string> RevokedAdministratorTokenAsync()
    {
        var (cedula, secret) = await OfficerTokens.CreateOfficerAsync(server, OfficerRoles.Administrator);
        var token = await OfficerTokens.SignInAsync(server.BaseAddress, cedula, secret);
        await using var scope = server.CreateScope();
        var officer = await scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>().FindByNameAsync(IessUser.AccountKey(AccountType.Officer, cedula));
        await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().RevokeBySubjectAsync(officer!.Id);
        return token;
    }

    /// <summary>A real affiliate recovery flow (identified, CAPTCHA solved) and its cookie value, whole and tampered.</summary>
    private async Task<Dictionary<string, string>> RealFlowCookieAsync()
    {
        using var browser = new FormClient(server.BaseAddress);
        using var started = await new RecoveryDriver(browser).IdentifyAsync(DemoAccounts.AffiliateCedula);
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var (name, path) = FlowStore.Cookie(FlowKind.AffiliateRecovery);
        var value = browser.Cookies.GetCookies(new Uri(server.BaseAddress, path + "/Know"))[name]?.Value ?? throw new InvalidOperationException("No recovery flow cookie.");
        var last = value[^1] == 'A' ? 'B' : 'A';
        return new Dictionary<string, string>
        {
            [P.Flow] = value,
            [P.FlowId] = value[..value.IndexOf('.', StringComparison.Ordinal)],
            [P.FlowOneCharChanged] = value[..^1] + last,
            [P.FlowTruncated] = value[..^5],
        };
    }

    /// <summary>
    /// Adds to each page the fields of its real forms, as a GET of the page shows them (signed in for profile pages,
    /// with the real recovery flow for recovery pages); a form whose handler the page model did not name is added.
    /// </summary>
    private async Task<IReadOnlyList<DiscoveredEndpoint>> HarvestFormsAsync(IReadOnlyList<DiscoveredEndpoint> discovered)
    {
        var result = new List<DiscoveredEndpoint>();
        var recovery = FlowStore.Cookie(FlowKind.AffiliateRecovery);
        foreach (var endpoint in discovered)
        {
            if (endpoint.Kind != EndpointKind.Page)
            {
                result.Add(endpoint);
                continue;
            }

            using var message = new HttpRequestMessage(HttpMethod.Get, endpoint.Path);
            var cookies = new List<string>();
            if (endpoint.RequiresSignIn && !EndpointMutations.GetWritesByDesign(endpoint))
            {
                cookies.Add(signedIn.Session!);
            }

            if (endpoint.Template.StartsWith(recovery.Path, StringComparison.OrdinalIgnoreCase))
            {
                cookies.Add($"{recovery.Name}={placeholders[P.Flow]}");
            }

            if (cookies.Count > 0)
            {
                message.Headers.Add("Cookie", string.Join("; ", cookies));
            }

            using var response = await http.SendAsync(message);
            var html = await response.Content.ReadAsStringAsync();
            var forms = endpoint.Forms.ToDictionary(f => f.Handler, f => f.Fields.ToList(), StringComparer.OrdinalIgnoreCase);
            foreach (Match form in FormElement().Matches(html))
            {
                var handler = HandlerInAction().Match(form.Groups[1].Value) is { Success: true } h ? WebUtility.HtmlDecode(h.Groups[1].Value) : "";
                var fields = forms.TryGetValue(handler, out var known) ? known : forms[handler] = [];
                fields.AddRange(FieldName().Matches(form.Groups[2].Value).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))
                    .Where(n => n != "__af" && !fields.Contains(n)));
            }

            result.Add(endpoint with { Forms = [.. forms.Select(f => new PageForm(f.Key, f.Value))] });
        }

        return result;
    }

    private static IEnumerable<string> Cookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Select(v => v.Split(';')[0]) : [];

    private static byte[] ReplaceAscii(byte[] body, string placeholder, string value)
    {
        var text = Encoding.Latin1.GetString(body);
        return text.Contains(placeholder, StringComparison.Ordinal) ? Encoding.Latin1.GetBytes(text.Replace(placeholder, value, StringComparison.Ordinal)) : body;
    }

    private static string Excerpt(string body)
    {
        var flat = Regex.Replace(body, @"\s+", " ");
        return flat.Length <= 200 ? flat : flat[..200] + "…";
    }

    [GeneratedRegex("<form([^>]*)>(.*?)</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex FormElement();

    [GeneratedRegex("handler=([A-Za-z0-9_]+)")]
    private static partial Regex HandlerInAction();

    [GeneratedRegex("<(?:input|select|textarea|button)[^>]*\\sname=\"([^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex FieldName();

    [GeneratedRegex("^HTTP/1\\.[01] (\\d{3})")]
    private static partial Regex StatusLine();

    [GeneratedRegex("<input[^>]*name=\"__af\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private sealed record Browser(string AntiforgeryCookie, string AntiforgeryToken, string? Session);

    /// <summary>A table's row count and hash (compared), and its rows (shown when they differ).</summary>
    private sealed record Table(string Summary, IReadOnlyList<string> Rows);

    private sealed record Reply(HttpStatusCode Status, string? ContentType, string? Location, string? WwwAuthenticate, string Body);
}
