using System.Net;
using System.Text.RegularExpressions;
using Iess.Identity.Accounts;
using Iess.Identity.Data;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Iess.Identity.Tests.Accounts;

/// <summary>One real server (SQLite file, demo data) shared by the Accounts tests that only add their own accounts.</summary>
public sealed class AccountsServer : IessServerFactory
{
    public AccountsServer()
        : base(DatabaseProvider.Sqlite)
    {
    }
}

[CollectionDefinition(Name)]
public sealed class AccountsServerCollection : ICollectionFixture<AccountsServer>
{
    public const string Name = "Accounts server";
}

/// <summary>Valid, unique cédulas for accounts a test creates (the check digit computed as the registry does).</summary>
public static partial class TestIds
{
    private static int next = Random.Shared.Next(100_000, 900_000);

    public static string NewCedula()
    {
        var serial = Interlocked.Increment(ref next);
        var province = 1 + (serial % 24);
        var body = $"{province:00}{serial % 6}{serial:000000}";
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            var product = (body[i] - '0') * (i % 2 == 0 ? 2 : 1);
            sum += product > 9 ? product - 9 : product;
        }

        return body + ((10 - (sum % 10)) % 10);
    }

    /// <summary>Creates an affiliate through the server's own UserManager (policy, hasher, database).</summary>
    public static async Task<IessUser> CreateAffiliateAsync(IessServerFactory server, string? password, DateOnly? dateOfBirth = null)
    {
        await using var scope = server.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IessUser>>();
        var cedula = NewCedula();
        var user = new IessUser
        {
            AccountType = AccountType.Affiliate,
            IessId = cedula,
            UserName = IessUser.AccountKey(AccountType.Affiliate, cedula),
            GivenNames = "Rosa Elena",
            FamilyNames = "Quishpe Guamán",
            DateOfBirth = dateOfBirth ?? new DateOnly(1985, 3, 14),
            CreatedAt = DateTimeOffset.UtcNow,
        };
        var result = password is null ? await users.CreateAsync(user) : await users.CreateAsync(user, password);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => $"{e.Code}: {e.Description}")));
        return user;
    }

    [GeneratedRegex("name=\"__af\"[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"__af\"")]
    private static partial Regex AntiforgeryField();

    /// <summary>Signs in through the real form over HTTP, as a browser does; returns the response to the POST.</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(IessServerFactory server, string identifier, string password)
    {
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var http = new HttpClient(handler, disposeHandler: false) { BaseAddress = server.BaseAddress };
        var page = await http.GetStringAsync("/Login");
        var match = AntiforgeryField().Match(page);
        Assert.True(match.Success, "The sign-in form has no __af antiforgery field.");
        var token = WebUtility.HtmlDecode(match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value);
        return await http.PostAsync("/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Identifier"] = identifier,
            ["Input.Password"] = password,
            ["__af"] = token,
        }));
    }
}
