using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Inspecta.Features;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Features;

public class ModelDownloaderTests
{
    private static readonly byte[] Payload = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 31 % 251)).ToArray();
    private static readonly string PayloadSha = Convert.ToHexStringLower(SHA256.HashData(Payload));

    [Fact]
    public async Task GoodDownloadIsVerifiedAndMovedIntoPlace()
    {
        using var tmp = new TempDir();
        await using var server = new OneShotServer(Payload, Payload.Length);
        var updates = new List<long>();
        string path = await ModelDownloader.PullAsync(server.Url("/zoo/net.onnx"), PayloadSha, name: "wide_resnet50_2", cacheDirectory: tmp.Path,
            progress: new SyncProgress(u => updates.Add(u.Done)));
        Assert.Equal(Path.Combine(tmp.Path, "wide_resnet50_2.onnx"), path);
        Assert.Equal(Payload, await File.ReadAllBytesAsync(path));
        Assert.Equal(Payload.Length, updates[^1]);
        Assert.Single(Directory.GetFiles(tmp.Path)); // no temp file left
        Assert.Equal(("wide_resnet50_2", path), (ModelCache.Resolve("wide_resnet50_2", tmp.Path).Name, ModelCache.Resolve("wide_resnet50_2", tmp.Path).Path));
    }

    [Fact]
    public async Task TheBuiltInPresetCannotBeOverwrittenByAPull()
    {
        using var tmp = new TempDir();
        var ex = await Assert.ThrowsAsync<InspectaUserException>(() =>
            ModelDownloader.PullAsync(new Uri("http://127.0.0.1:9/resnet18.onnx"), PayloadSha, cacheDirectory: tmp.Path));
        Assert.Contains("built-in", ex.Message);
        Assert.Empty(Directory.GetFiles(tmp.Path));
    }

    [Fact]
    public async Task WrongHashLeavesNoFile()
    {
        using var tmp = new TempDir();
        await using var server = new OneShotServer(Payload, Payload.Length);
        string wrong = new('0', 64);
        var ex = await Assert.ThrowsAsync<InspectaUserException>(() =>
            ModelDownloader.PullAsync(server.Url("/net.onnx"), wrong, cacheDirectory: tmp.Path));
        Assert.Contains("SHA-256", ex.Message);
        Assert.Contains(PayloadSha, ex.Message);
        Assert.Empty(Directory.GetFiles(tmp.Path));
    }

    [Fact]
    public async Task InterruptedTransferLeavesNoFileAndSaysSo()
    {
        using var tmp = new TempDir();
        // The server promises the whole payload but closes the connection after a third of it.
        await using var server = new OneShotServer(Payload, Payload.Length / 3);
        var ex = await Assert.ThrowsAsync<InspectaUserException>(() =>
            ModelDownloader.PullAsync(server.Url("/net.onnx"), PayloadSha, cacheDirectory: tmp.Path));
        Assert.Contains("nothing was saved", ex.Message);
        Assert.Contains($"of {Payload.Length}", ex.Message);
        Assert.Empty(Directory.GetFiles(tmp.Path));
    }

    [Fact]
    public async Task HttpErrorIsAUserError()
    {
        using var tmp = new TempDir();
        await using var server = new OneShotServer(null, 0);
        var ex = await Assert.ThrowsAsync<InspectaUserException>(() =>
            ModelDownloader.PullAsync(server.Url("/missing.onnx"), PayloadSha, cacheDirectory: tmp.Path));
        Assert.Contains("404", ex.Message);
        Assert.Empty(Directory.GetFiles(tmp.Path));
    }

    [Fact]
    public void CliRejectsABadHash()
    {
        var r = CliRunner.Run("models", "pull", "http://127.0.0.1:9/x.onnx", "--sha256", "abc");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("64 hex digits", r.Stderr);
    }

    [Fact]
    public void CliListsPresets()
    {
        var r = CliRunner.Run("models", "list", "--json");
        Assert.Equal(0, r.ExitCode);
        var json = System.Text.Json.Nodes.JsonNode.Parse(r.Stdout)!;
        var names = json["presets"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToArray();
        Assert.Equal(["resnet18", "resnet50v2_imagenet_l123", "squeezenet1_1_imagenet_features", "wide_resnet50_2"], names);
    }

    private sealed class SyncProgress(Action<ProgressUpdate> on) : IProgress<ProgressUpdate>
    {
        public void Report(ProgressUpdate value) => on(value);
    }

    /// <summary>A loopback HTTP/1.1 server for one request: sends <c>body</c> with its full Content-Length
    /// but only <c>sendBytes</c> of it before closing (a null body answers 404).</summary>
    private sealed class OneShotServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task _serve;

        public OneShotServer(byte[]? body, int sendBytes)
        {
            _listener.Start();
            _serve = Task.Run(async () =>
            {
                using var client = await _listener.AcceptTcpClientAsync();
                await using var stream = client.GetStream();
                var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                while (!string.IsNullOrEmpty(await reader.ReadLineAsync())) { }
                string head = body is null
                    ? "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    : $"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
                if (body is not null) await stream.WriteAsync(body.AsMemory(0, sendBytes));
                await stream.FlushAsync();
                client.Client.Shutdown(SocketShutdown.Both);
            });
        }

        public Uri Url(string path) => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}{path}");

        public async ValueTask DisposeAsync()
        {
            try { await _serve.WaitAsync(TimeSpan.FromSeconds(10)); } catch (Exception) { /* the client may have gone away first */ }
            _listener.Stop();
        }
    }
}
