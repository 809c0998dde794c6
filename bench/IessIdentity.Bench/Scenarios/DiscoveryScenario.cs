using System.Net;

namespace Iess.Identity.Bench.Scenarios;

/// <summary>What every relying party and API fetches: the discovery document and the JWKS, alternately.</summary>
public sealed class DiscoveryScenario(HttpClient http, BenchDeployment deployment) : IScenario
{
    public string Name => "discovery";

    public string Operation => "one GET, alternately /.well-known/openid-configuration and /.well-known/jwks";

    public Task<Func<CancellationToken, Task>> CreateUserAsync(int user, CancellationToken cancellationToken)
    {
        var discovery = new Uri(deployment.BaseAddress, "/.well-known/openid-configuration");
        var jwks = new Uri(deployment.BaseAddress, "/.well-known/jwks");
        var next = user % 2;
        return Task.FromResult<Func<CancellationToken, Task>>(async token =>
        {
            var url = next++ % 2 == 0 ? discovery : jwks;
            using var response = await http.GetAsync(url, token);
            var body = await response.Content.ReadAsByteArrayAsync(token);
            if (response.StatusCode != HttpStatusCode.OK || body.Length < 50)
            {
                throw new BenchFailure($"GET {url.AbsolutePath}: {(int)response.StatusCode}");
            }
        });
    }
}
