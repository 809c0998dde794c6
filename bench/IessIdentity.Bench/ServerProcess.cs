using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Iess.Identity.Bench;

/// <summary>
/// The real server as a child process (<c>dotnet Iess.IdentityServer.dll</c>) with the environment the driver gives it.
/// Its output goes to a log file; it is killed when disposed, whatever ended the driver.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;
    private readonly Task[] pumps;

    private ServerProcess(Process process, StreamWriter log)
    {
        this.process = process;
        this.log = log;
        pumps = [Pump(process.StandardOutput), Pump(process.StandardError)];
    }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>Runs the server's dll with <paramref name="arguments"/> to completion (a verb such as <c>migrate</c>).</summary>
    public static async Task RunVerbAsync(string serverDll, IReadOnlyDictionary<string, string> environment, string logPath, params string[] arguments)
    {
        using var server = Start(serverDll, environment, logPath, arguments);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        await server.process.WaitForExitAsync(timeout.Token);
        await Task.WhenAll(server.pumps);
        if (server.process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{string.Join(' ', arguments)}' exited with {server.process.ExitCode}; see {logPath}:\n{Tail(logPath)}");
        }
    }

    public static ServerProcess Start(string serverDll, IReadOnlyDictionary<string, string> environment, string logPath, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(serverDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        ChildProcesses.Track(process);
        return new ServerProcess(process, log);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task WaitUntilReadyAsync(Uri baseAddress, string logPath, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with {process.ExitCode} during start-up; see {logPath}:\n{Tail(logPath)}");
            }

            try
            {
                using var response = await http.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or too busy to answer within the probe's timeout.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The server was not ready within {timeout}; see {logPath}:\n{Tail(logPath)}");
    }

    /// <summary>Resets the kernel's peak-RSS mark (VmHWM) so the next reading is the peak of one scenario; false if refused.</summary>
    public bool ResetPeakResident()
    {
        try
        {
            File.WriteAllText($"/proc/{process.Id}/clear_refs", "5");
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>VmHWM and VmRSS in bytes, from /proc.</summary>
    public (long Peak, long Current) ResidentMemory()
    {
        long peak = 0, current = 0;
        foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line) * 1024;
            }
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                current = Kilobytes(line) * 1024;
            }
        }

        return (peak, current);
    }

    /// <summary>User + system CPU time the server has used so far.</summary>
    public TimeSpan CpuTime()
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }

        try
        {
            Task.WaitAll(pumps, TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The pipes broke with the process; the log has what arrived.
        }

        ChildProcesses.Forget(process);
        process.Dispose();
        lock (log)
        {
            log.Dispose();
        }
    }

    public static string Tail(string path, int lines = 40) =>
        File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(lines)) : "(no log)";

    private static long Kilobytes(string statusLine) =>
        long.Parse(statusLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private Task Pump(StreamReader reader) => Task.Run(async () =>
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    });
}

/// <summary>Every child still running, so Ctrl+C, SIGTERM and unhandled exceptions kill them before the driver exits.</summary>
public static class ChildProcesses
{
    private static readonly HashSet<Process> Running = [];

    public static void Track(Process process)
    {
        lock (Running)
        {
            Running.Add(process);
        }
    }

    public static void Forget(Process process)
    {
        lock (Running)
        {
            Running.Remove(process);
        }
    }

    public static void KillAll()
    {
        lock (Running)
        {
            foreach (var process in Running)
            {
                try
                {
                    if (!process.HasExited)
                    {
                        process.Kill(entireProcessTree: true);
                    }
                }
                catch (InvalidOperationException)
                {
                    // Exited meanwhile.
                }
            }

            Running.Clear();
        }
    }
}
