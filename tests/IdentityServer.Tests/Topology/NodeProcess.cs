using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Iess.Identity.Tests.Topology;

/// <summary>
/// One IdentityServer node as a real OS process: <c>dotnet Iess.IdentityServer.dll</c> from this test's own build
/// output (Debug or Release alike), configured by environment variables only, listening on one loopback port. Its
/// console goes to a log file. <see cref="Kill"/> is kill -9; disposing kills it too, and so does the test host's exit.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> environment;
    private readonly object gate = new();
    private Process? process;
    private StreamWriter? log;

    public NodeProcess(string name, int port, IReadOnlyDictionary<string, string> settings, string folder)
    {
        Name = name;
        Port = port;
        LogPath = Path.Combine(folder, name + ".log");
        environment = new Dictionary<string, string>(settings) { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill();
    }

    public string Name { get; }

    public int Port { get; }

    /// <summary>The node's own address, bypassing the proxy.</summary>
    public Uri Address => new($"http://127.0.0.1:{Port}/");

    public string LogPath { get; }

    public int ProcessId => process?.Id ?? throw new InvalidOperationException($"{Name} is not running.");

    public bool IsRunning
    {
        get
        {
            lock (gate)
            {
                return process is { HasExited: false };
            }
        }
    }

    /// <summary>Starts the process and waits until <c>/health/ready</c> answers 200.</summary>
    public async Task StartAsync(TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Iess.IdentityServer.dll"));
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        lock (gate)
        {
            log ??= new StreamWriter(LogPath, append: true) { AutoFlush = true };
            process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
            var writer = log;
            process.OutputDataReceived += (_, e) => Write(writer, e.Data);
            process.ErrorDataReceived += (_, e) => Write(writer, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        while (DateTime.UtcNow < deadline)
        {
            if (!IsRunning)
            {
                throw new InvalidOperationException($"{Name} exited while starting:\n{LogTail()}");
            }

            try
            {
                using var ready = await http.GetAsync(new Uri(Address, "/health/ready"));
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{Name} was not ready in time:\n{LogTail()}");
    }

    /// <summary>kill -9: no shutdown hooks, no flushing, connections cut.</summary>
    public void Kill()
    {
        lock (gate)
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
    }

    public async Task RestartAsync()
    {
        Kill();
        await StartAsync();
    }

    /// <summary>Resident memory of the process (VmRSS in /proc), in KiB.</summary>
    public long ResidentKiB()
    {
        var line = File.ReadLines($"/proc/{ProcessId}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    public string LogTail(int lines = 60)
    {
        lock (gate)
        {
            log?.Flush();
        }

        using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var all = reader.ReadToEnd().Split('\n');
        return string.Join('\n', all.TakeLast(lines));
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        lock (gate)
        {
            log?.Dispose();
            log = null;
        }

        return ValueTask.CompletedTask;
    }

    private void Write(StreamWriter writer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            if (ReferenceEquals(writer, log))
            {
                writer.WriteLine(line);
            }
        }
    }
}
