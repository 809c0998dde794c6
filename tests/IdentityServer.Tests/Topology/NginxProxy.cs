using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Iess.Identity.Tests.Topology;

/// <summary>
/// Debian's nginx in the foreground with a generated configuration in a private folder: one loopback port, round
/// robin over the nodes with no stickiness (each request goes to the next node), the X-Forwarded-* headers set, and an
/// access log naming the node that answered each request.
/// </summary>
public sealed class NginxProxy : IAsyncDisposable
{
    private readonly Process process;

    private NginxProxy(Process process, int port, string folder)
    {
        this.process = process;
        Port = port;
        AccessLogPath = Path.Combine(folder, "access.log");
        ErrorLogPath = Path.Combine(folder, "error.log");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill();
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}/");

    public string AccessLogPath { get; }

    public string ErrorLogPath { get; }

    /// <summary>The nginx binary: Debian's, installed by scripts/test.sh.</summary>
    public static string Binary => File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";

    /// <summary>The configuration for a proxy on <paramref name="port"/> in front of <paramref name="upstreamPorts"/>.</summary>
    public static string Configuration(string folder, int port, IEnumerable<int> upstreamPorts)
    {
        var servers = string.Concat(upstreamPorts.Select(p => $"        server 127.0.0.1:{p} max_fails=0;\n"));
        var user = Environment.UserName == "root" ? "user root;\n" : "";
        return $$"""
            {{user}}daemon off;
            worker_processes 1;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log warn;
            events { worker_connections 1024; }
            http {
                log_format nodes '$request_method $request_uri $status $upstream_addr';
                access_log {{folder}}/access.log nodes;
                client_body_temp_path {{folder}}/body;
                proxy_temp_path {{folder}}/proxy;
                fastcgi_temp_path {{folder}}/fastcgi;
                uwsgi_temp_path {{folder}}/uwsgi;
                scgi_temp_path {{folder}}/scgi;
                client_max_body_size 2m;
                upstream iess_nodes {
            {{servers}}    }
                server {
                    listen 127.0.0.1:{{port}};
                    location / {
                        proxy_pass http://iess_nodes;
                        proxy_set_header Host $http_host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_set_header X-Forwarded-Proto $scheme;
                        proxy_set_header X-Forwarded-Host $http_host;
                        proxy_next_upstream error timeout;
                        proxy_connect_timeout 5s;
                        proxy_read_timeout 60s;
                    }
                }
            }
            """;
    }

    public static async Task<NginxProxy> StartAsync(string folder, int port, IEnumerable<int> upstreamPorts)
    {
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, "nginx.conf");
        await File.WriteAllTextAsync(config, Configuration(folder, port, upstreamPorts));
        var start = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-p", folder, "-c", config })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start.");
        var proxy = new NginxProxy(process, port, folder);
        for (var i = 0; i < 100; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited: {await process.StandardError.ReadToEndAsync()}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return proxy;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        proxy.Kill();
        throw new TimeoutException("nginx did not listen in time.");
    }

    /// <summary>The requests logged so far (one per line, in order).</summary>
    public IReadOnlyList<ProxiedRequest> Log()
    {
        using var reader = new StreamReader(new FileStream(AccessLogPath, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ProxiedRequest.Parse).ToList();
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Kill()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }
}

/// <summary>One line of the proxy's access log: what was asked, the status, and which node(s) answered.</summary>
public sealed record ProxiedRequest(string Method, string Uri, int Status, string Upstream)
{
    public string Path => Uri.Split('?')[0];

    /// <summary>The node that gave the answer (after nginx tried the next one when a node was down).</summary>
    public string Node => Upstream.Split(", ")[^1];

    public static ProxiedRequest Parse(string line)
    {
        var parts = line.Split(' ', 4);
        return new ProxiedRequest(parts[0], parts[1], int.Parse(parts[2], CultureInfo.InvariantCulture), parts.Length > 3 ? parts[3] : "");
    }
}
