using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Iess.Identity.Captcha;

namespace Iess.Identity.Bench.Scenarios;

/// <summary>
/// Recovery step 1 as a new browser does it: fetch a CAPTCHA challenge, solve it (proof of work, in the driver),
/// open /Recovery and post the cédula with the solution and the antiforgery token; success is the redirect to Know.
/// </summary>
public sealed class RecoveryScenario(HttpClient http, BenchDeployment deployment) : IScenario
{
    // Cédulas that have no account (the server walks them through a phantom flow, by design the same work): the
    // per-identifier limit (10 a day) stays at its default, so each run cycles through many identifiers.
    private const int Identifiers = 500_000;
    private static int next;
    private readonly long[] solving = new long[deployment.Accounts.Count];

    public string Name => "recovery";

    public string Operation => "identify: GET /captcha/challenge, GET /Recovery, POST /Recovery (the driver's CAPTCHA solving is not in the latency)";

    public Task<Func<CancellationToken, Task>> CreateUserAsync(int user, CancellationToken cancellationToken)
    {
        var challengeUrl = new Uri(deployment.BaseAddress, "/captcha/challenge");
        var page = new Uri(deployment.BaseAddress, "/Recovery");
        return Task.FromResult<Func<CancellationToken, Task>>(async token =>
        {
            var browser = new Browser(http);
            ProofOfWorkCaptcha.Challenge challenge;
            using (var response = await browser.GetAsync(challengeUrl, token))
            {
                challenge = await response.Content.ReadFromJsonAsync<ProofOfWorkCaptcha.Challenge>(token)
                    ?? throw new BenchFailure("empty CAPTCHA challenge");
            }

            var solveStarted = Stopwatch.GetTimestamp();
            var solution = ProofOfWorkCaptcha.Solve(challenge);
            solving[user] += Stopwatch.GetTimestamp() - solveStarted;

            string html;
            using (var response = await browser.GetAsync(page, token))
            {
                html = await response.Content.ReadAsStringAsync(token);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new BenchFailure($"GET /Recovery: {(int)response.StatusCode}");
                }
            }

            var cedula = Cedulas.Generate("09", 2_000_000 + (int)((uint)Interlocked.Increment(ref next) % Identifiers));
            using (var response = await browser.PostFormAsync(page, new Dictionary<string, string>
            {
                ["Cedula"] = cedula,
                ["altcha"] = solution,
                ["__af"] = Browser.AntiforgeryToken(html, page),
            }, token))
            {
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    throw new BenchFailure("the identify form came back (CAPTCHA refused or a limit reached)");
                }

                if (Browser.RedirectTarget(response).AbsolutePath != "/Recovery/Know")
                {
                    throw new BenchFailure($"identify went to {Browser.RedirectTarget(response).AbsolutePath}, not /Recovery/Know");
                }
            }
        });
    }

    public long TakeClientTicks(int user)
    {
        var ticks = solving[user];
        solving[user] = 0;
        return ticks;
    }
}
