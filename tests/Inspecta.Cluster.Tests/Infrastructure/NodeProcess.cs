using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Inspecta.Cluster.Tests.Infrastructure;

/// <summary>One <c>inspecta serve --cluster</c> node as a real process on loopback (own HTTP and silo ports), with its
/// output, an HTTP client, SIGKILL and SIGTERM.</summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new(), _stderr = new();

    private NodeProcess(Process process, int siloPort)
    {
        _process = process;
        SiloPort = siloPort;
        process.OutputDataReceived += (_, e) => { lock (_stdout) _stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_stderr) _stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int SiloPort { get; }
    public Uri? Address { get; private set; }
    public HttpClient Client { get; private set; } = null!;
    public string Silo { get; private set; } = "";
    public int Pid => _process.Id;
    public bool Exited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>Starts a node; <see cref="WaitReadyAsync"/> waits for it to listen.</summary>
    public static NodeProcess Start(string models, string clusterId, params string[] extra) => StartOn(TestDatabase.ConnectionString, models, clusterId, extra);

    public static NodeProcess StartOn(string connection, string models, string clusterId, params string[] extra)
    {
        int siloPort = FreePort();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { CliDll(), "serve", "--models", models, "--port", "0", "--cluster", connection, "--cluster-id", clusterId,
                     "--silo-port", siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--probe-timeout", "2", "--max-concurrency", "1" }.Concat(extra))
            psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_gcServer"] = "0";
        return new NodeProcess(Process.Start(psi)!, siloPort);
    }

    public async Task<NodeProcess> WaitReadyAsync(TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (DateTime.UtcNow < until)
        {
            string line = Stdout.Split('\n').FirstOrDefault(l => l.Contains("inspecta serve: cluster", StringComparison.Ordinal) && l.Contains("http://", StringComparison.Ordinal)) ?? "";
            if (line.Length > 0)
            {
                Address = new Uri(line[line.IndexOf("http://", StringComparison.Ordinal)..].Trim());
                int at = line.IndexOf("silo ", StringComparison.Ordinal) + 5;
                Silo = line[at..line.IndexOf(',', at)];
                Client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
                // Ready = active in the cluster (its silo joined and its first report is in).
                while (DateTime.UtcNow < until)
                {
                    using var r = await Client.GetAsync("/readyz");
                    if (r.StatusCode == HttpStatusCode.OK) return this;
                    await Task.Delay(200);
                }
            }
            if (_process.HasExited) throw new InvalidOperationException($"node exited ({_process.ExitCode}) before it was ready:\n{Stdout}\n{Stderr}");
            await Task.Delay(100);
        }
        throw new TimeoutException($"node not ready:\n{Stdout}\n{Stderr}");
    }

    public async Task<JsonObject> ClusterAsync() => JsonNode.Parse(await Client.GetStringAsync("/v1/cluster"))!.AsObject();

    public void KillHard() => _process.Kill();   // SIGKILL on Linux: no shutdown code runs

    public async Task<int> WaitExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        _process.WaitForExit();   // drains the redirected output
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>The CLI in its own output folder (same configuration and runtime as these tests).</summary>
    public static string CliDll()
    {
        string tests = Path.GetFullPath(AppContext.BaseDirectory);
        string marker = Path.Combine("tests", "Inspecta.Cluster.Tests") + Path.DirectorySeparatorChar;
        int at = tests.LastIndexOf(marker, StringComparison.Ordinal);
        string dll = Path.Combine(tests[..at], "src", "Inspecta.Cli", tests[(at + marker.Length)..], "Inspecta.Cli.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"the CLI build is not at {dll}; build the solution first.");
    }
}
