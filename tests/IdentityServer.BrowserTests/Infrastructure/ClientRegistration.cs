namespace Iess.Identity.BrowserTests.Infrastructure;

/// <summary>An app registered at IdentityServer through configuration only, as an operator would (README: "Registering an IESS app").</summary>
public static class ClientRegistration
{
    /// <summary>Index of the first client the tests add, after the ones appsettings.Development.json declares.</summary>
    public const int FirstTestIndex = 20;

    public static IEnumerable<KeyValuePair<string, string>> Settings(
        int index, string clientId, string clientSecret, Uri appAddress, params string[] scopes)
    {
        var prefix = $"Iess:Clients:{index}:";
        yield return new(prefix + "ClientId", clientId);
        yield return new(prefix + "ClientSecret", clientSecret);
        yield return new(prefix + "DisplayName", $"App de prueba {clientId}");
        yield return new(prefix + "RedirectUris:0", new Uri(appAddress, "/signin-oidc").ToString());
        yield return new(prefix + "PostLogoutRedirectUris:0", new Uri(appAddress, "/signout-callback-oidc").ToString());
        for (var i = 0; i < scopes.Length; i++)
        {
            yield return new(prefix + $"Scopes:{i}", scopes[i]);
        }

        yield return new(prefix + "GrantTypes:0", "authorization_code");
        yield return new(prefix + "GrantTypes:1", "refresh_token");
        yield return new(prefix + "ConsentType", "Implicit");
    }
}
