using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Iess.Identity.Bench;
using Iess.Identity.Bench.Scenarios;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// The server child must not outlive the driver, however the driver ends. On Ctrl+C or SIGTERM the server is killed
// at once and the run unwinds, so the temp folder (or the PostgreSQL bench database) is removed too.
using var abort = new CancellationTokenSource();
void Interrupt(PosixSignalContext context)
{
    context.Cancel = true;
    ChildProcesses.KillAll();
    abort.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
AppDomain.CurrentDomain.ProcessExit += (_, _) => ChildProcesses.KillAll();
AppDomain.CurrentDomain.UnhandledException += (_, _) => ChildProcesses.KillAll();

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception exception) when (exception is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

var serverDll = Path.GetFullPath(options.ServerDll ?? Path.Combine(RepositoryRoot(), "src/IdentityServer/bin/Release/net10.0/Iess.IdentityServer.dll"));
if (!File.Exists(serverDll))
{
    Console.Error.WriteLine($"The server is not built: {serverDll}. Run: dotnet build src/IdentityServer -c Release");
    return 2;
}

const int BaselineRegistry = 1000;
var report = new BenchReport
{
    StartedAt = DateTimeOffset.UtcNow,
    Machine = BenchReport.DescribeMachine(),
    Database = options.Postgres is null ? "SQLite" : "PostgreSQL",
    Users = options.Users,
    DurationSeconds = options.DurationSeconds,
    WarmupSeconds = options.WarmupSeconds,
    LoadAverageBefore = BenchReport.LoadAverage(),
    Limits = options.SkipLimits ? null : MeasureLimits(options),
};

// Without --registry: one deployment with one affiliate per virtual user. With it: the same scenarios on 1,000
// imported affiliates, then on the registry size, so both p99s come from the same run.
(string? Label, int Registry)[] runs = options.Registry is { } size
    ? [($"{BaselineRegistry:N0} affiliates", BaselineRegistry), ($"{size:N0} affiliates", size)]
    : [(null, options.Users)];
try
{
    foreach (var (label, registry) in runs)
    {
        Console.WriteLine($"Preparing a {report.Database} deployment with {registry:N0} affiliates ({options.Users} bench accounts with passwords)…");
        await using var deployment = await BenchDeployment.CreateAsync(serverDll, options.Postgres, options.Users, registry);
        deployment.KeepLogIn = options.OutputFolder;
        if (options.Registry is not null)
        {
            var note = $"Import of {deployment.RegistrySize:N0} affiliates with `import-affiliates` ({report.Database}): **{deployment.ImportTime.TotalSeconds:N1} s** " +
                $"({deployment.RegistrySize / deployment.ImportTime.TotalSeconds:N0} rows/s, process start, validation, duplicate checks and commit included).";
            Console.WriteLine(note);
            report.Notes.Add(note);
        }

        using (var server = deployment.StartServer())
        {
            await server.WaitUntilReadyAsync(deployment.BaseAddress, deployment.LogPath, TimeSpan.FromSeconds(300));
            Console.WriteLine($"Server pid {server.Id} on {deployment.BaseAddress} (log {deployment.LogPath}).");
            foreach (var name in options.Scenarios)
            {
                var result = await RunScenarioAsync(name, deployment, server, TimeSpan.FromSeconds(options.DurationSeconds), null);
                result.Label = label;
                if (!Record(result, server, deployment))
                {
                    return 1;
                }
            }
        }

        if (options.PruneTokens is { } tokens && label == runs[^1].Label)
        {
            var outcome = await PruneWhileSigningInAsync(deployment, tokens);
            if (outcome != 0)
            {
                return outcome;
            }
        }
    }
}
catch (Exception) when (abort.IsCancellationRequested)
{
    Console.Error.WriteLine("Interrupted; the server was stopped and the bench data removed.");
    return 130;
}

report.LoadAverageAfter = BenchReport.LoadAverage();
var markdown = report.ToMarkdown();
Console.WriteLine();
Console.WriteLine(markdown);
await report.WriteAsync(options.OutputFolder);
Console.WriteLine($"Wrote {Path.Combine(options.OutputFolder, "results.json")} and results.md.");

var errors = report.Scenarios.Sum(s => s.Errors);
var empty = report.Scenarios.Where(s => s.Operations == 0).Select(s => s.Name).ToList();
if (options.FailOnErrors && (errors > 0 || empty.Count > 0))
{
    Console.Error.WriteLine($"FAILED: {errors} failed operations; scenarios with no completed operation: {(empty.Count == 0 ? "none" : string.Join(", ", empty))}.");
    return 1;
}

return 0;

async Task<ScenarioResult> RunScenarioAsync(string name, BenchDeployment deployment, ServerProcess server, TimeSpan duration, Func<(long, long)?>? window)
{
    using var handler = new SocketsHttpHandler
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    };
    using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    IScenario scenario = name switch
    {
        "discovery" => new DiscoveryScenario(http, deployment),
        "client_credentials" => new ClientCredentialsScenario(http, deployment),
        "refresh_token" => new RefreshTokenScenario(http, deployment),
        "signin" => new SignInScenario(http, deployment),
        "recovery" => new RecoveryScenario(http, deployment),
        _ => throw new InvalidOperationException(name),
    };

    var result = await ScenarioRunner.RunAsync(
        scenario, options.Users, TimeSpan.FromSeconds(options.WarmupSeconds), duration, server, abort.Token, window);
    if (report.Limits is { } limits)
    {
        (result.Limit, result.LimitPerSecond) = name switch
        {
            "client_credentials" => ("ES256/s (1 signature per token)", limits.Es256PerSecond),
            "refresh_token" => ("1 RS256 (id token) + 2 ES256 (access, refresh token) per refresh; refresh token opened with AES",
                1 / (1 / limits.Rs256PerSecond + 2 / limits.Es256PerSecond)),
            "signin" => ("Argon2id/s (1 hash per sign-in)", limits.Argon2idPerSecond),
            "recovery" => ("CAPTCHA solves/s in the driver", limits.CaptchaSolvesPerSecond),
            _ => ((string?)null, (double?)null),
        };
    }

    return result;
}

bool Record(ScenarioResult result, ServerProcess server, BenchDeployment deployment)
{
    report.Scenarios.Add(result);
    Console.WriteLine($"{result.Name + (result.Label is null ? "" : $" ({result.Label})"),-19} {result.PerSecond,9:N1}/s  p50 {result.P50Ms,7:N1} ms  p99 {result.P99Ms,7:N1} ms  errors {result.Errors,5}  " +
        $"server CPU {result.ServerCpuPercent,4:N0} %  peak RSS {result.ServerPeakResidentBytes / 1048576.0,5:N0} MB (lowest RSS {result.ResidentGrowthPercent:+0.0;-0.0;0.0} % over the window)" +
        (result.RatioToLimit is { } ratio ? $"  {ratio,6:P0} of limit" : "") +
        (result.P99InWindowMs is { } during ? $"  p99 during pruning {during:N1} ms ({result.OperationsInWindow} ops)" : ""));
    foreach (var sample in result.ErrorSamples)
    {
        Console.WriteLine("    " + sample);
    }

    if (server.HasExited)
    {
        Console.Error.WriteLine($"The server died during {result.Name}:\n{ServerProcess.Tail(deployment.LogPath)}");
        return false;
    }

    return true;
}

// Seeds the expired tokens with the server stopped, starts it with a pruning interval that fires once the sign-ins
// are under way, and watches the token count from the driver to know when pruning ran.
async Task<int> PruneWhileSigningInAsync(BenchDeployment deployment, int tokens)
{
    Console.WriteLine($"Seeding {tokens:N0} expired tokens…");
    var (first, last) = await deployment.SeedExpiredTokensAsync(tokens);
    // The first pruning run starts 15 s after the warm-up ends, so it falls inside the measured sign-ins.
    var firstPrune = TimeSpan.FromSeconds(options.WarmupSeconds + 15);
    using var server = deployment.StartServer(new Dictionary<string, string> { ["Iess__Connect__PruneInterval"] = firstPrune.ToString("c", CultureInfo.InvariantCulture) });
    await server.WaitUntilReadyAsync(deployment.BaseAddress, deployment.LogPath, TimeSpan.FromSeconds(300));
    long? from = null, to = null;
    using var watching = new CancellationTokenSource();
    // The server prunes in key order: it has started when the first seeded token is gone and finished when the last
    // one is. Two primary-key lookups per poll; counting the table (a scan of a million rows four times a second)
    // took a good part of a core from the sign-ins being measured.
    var watch = Task.Run(async () =>
    {
        while (!watching.IsCancellationRequested && to is null)
        {
            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            if (from is null && !await deployment.TokenExistsAsync(first))
            {
                from = now;
            }

            if (from is not null && !await deployment.TokenExistsAsync(last))
            {
                to = now;
            }

            await Task.Delay(250, CancellationToken.None);
        }
    });
    var result = await RunScenarioAsync("signin", deployment, server, TimeSpan.FromSeconds(options.PruneSeconds),
        () => from is { } start ? (start, to ?? System.Diagnostics.Stopwatch.GetTimestamp()) : null);
    watching.Cancel();
    await watch;
    result.Label = $"pruning {tokens:N0} expired tokens";
    var seconds = from is { } f && to is { } t ? (t - f) / (double)System.Diagnostics.Stopwatch.Frequency : (double?)null;
    var note = $"Pruning {tokens:N0} expired tokens while {options.Users} users sign in ({report.Database}): " +
        (seconds is { } s ? $"pruned in about **{s:N1} s** (seen from the driver, 0.25 s polling)" : $"not finished in the {options.PruneSeconds} s of sign-ins ({await deployment.CountTokensAsync():N0} tokens left)") +
        $"; sign-in p99 during pruning **{result.P99InWindowMs?.ToString("N1", CultureInfo.InvariantCulture) ?? "—"} ms** over {result.OperationsInWindow ?? 0} sign-ins, p99 over the whole {options.PruneSeconds} s {result.P99Ms:N1} ms.";
    Console.WriteLine(note);
    report.Notes.Add(note);
    return Record(result, server, deployment) ? 0 : 1;
}

static MachineLimits MeasureLimits(BenchOptions options)
{
    var each = TimeSpan.FromSeconds(options.DurationSeconds >= 10 ? 5 : 1);
    Console.WriteLine($"Measuring this machine's limits ({each.TotalSeconds:N0} s each, all cores)…");
    var limits = MachineLimits.Measure(each);
    Console.WriteLine($"Argon2id {limits.Argon2idPerSecond:N1}/s, RS256 {limits.Rs256PerSecond:N0}/s, CAPTCHA solves {limits.CaptchaSolvesPerSecond:N0}/s, ES256 {limits.Es256PerSecond:N0}/s");
    return limits;
}

static string RepositoryRoot()
{
    for (var folder = new DirectoryInfo(Directory.GetCurrentDirectory()); folder is not null; folder = folder.Parent)
    {
        if (File.Exists(Path.Combine(folder.FullName, "IessIdentity.sln")))
        {
            return folder.FullName;
        }
    }

    throw new InvalidOperationException("Run the driver from inside the repository, or pass --server-dll.");
}
