using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Inspecta.Tests.Infrastructure;

/// <summary>
/// A headless Chromium driven over the Chrome DevTools Protocol (WebSocket, no extra packages):
/// loads a page, runs JavaScript in it, collects console errors and exceptions, takes screenshots.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _receiveLoop;
    private int _nextId;

    /// <summary>Path of the browser, or null when none is installed (tests then skip).</summary>
    public static string? Executable { get; } = Locate();

    /// <summary>Console errors, uncaught exceptions and failed resource loads seen so far.</summary>
    public IReadOnlyCollection<string> Errors => _errors;

    private HeadlessChromium(Process process, string profile) { _process = process; _profile = profile; }

    public static async Task<HeadlessChromium> StartAsync(TimeSpan timeout)
    {
        string exe = Executable ?? throw new InvalidOperationException("chromium is not installed.");
        string profile = Directory.CreateTempSubdirectory("inspecta-chromium-").FullName;
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        foreach (string arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-quic", "--disable-extensions",
            $"--user-data-dir={profile}", "--remote-debugging-port=0", "--window-size=1280,1400", "about:blank",
        }) psi.ArgumentList.Add(arg);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start chromium.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var browser = new HeadlessChromium(process, profile);
        try
        {
            await browser.ConnectAsync(timeout);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    private async Task ConnectAsync(TimeSpan timeout)
    {
        // Chromium writes the chosen port to <profile>/DevToolsActivePort once it listens.
        using var cts = new CancellationTokenSource(timeout);
        string portFile = Path.Combine(_profile, "DevToolsActivePort");
        string[] lines = [];
        while (lines.Length < 2)
        {
            if (_process.HasExited) throw new InvalidOperationException($"chromium exited early with code {_process.ExitCode}.");
            await Task.Delay(50, cts.Token);
            if (File.Exists(portFile)) lines = (await File.ReadAllTextAsync(portFile, cts.Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        using var http = new HttpClient();
        var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{lines[0].Trim()}/json/list", cts.Token))!.AsArray();
        string ws = targets.First(t => (string?)t!["type"] == "page")!["webSocketDebuggerUrl"]!.GetValue<string>();
        await _socket.ConnectAsync(new Uri(ws), cts.Token);
        _receiveLoop = Task.Run(ReceiveLoop);
        await SendAsync("Page.enable");
        await SendAsync("Runtime.enable");
        await SendAsync("Log.enable");
    }

    /// <summary>Navigates and waits for the load event (all images decoded or failed).</summary>
    public async Task LoadAsync(string url, TimeSpan timeout)
    {
        _loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var nav = await SendAsync("Page.navigate", new JsonObject { ["url"] = url });
        if (nav["errorText"] is JsonNode err) throw new InvalidOperationException($"navigation to {url} failed: {err}");
        await _loaded.Task.WaitAsync(timeout);
    }

    /// <summary>Evaluates a JavaScript expression in the page and returns its JSON value.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result["exceptionDetails"] is JsonNode ex) throw new InvalidOperationException($"script failed: {ex.ToJsonString()}");
        return result["result"]?["value"]?.DeepClone();
    }

    /// <summary>A PNG of the whole page (beyond the viewport), up to <paramref name="maxHeight"/> pixels tall.</summary>
    public async Task<byte[]> ScreenshotAsync(int maxHeight = 6000)
    {
        double width = (double)(await EvaluateAsync("document.documentElement.scrollWidth"))!;
        double height = Math.Min(maxHeight, (double)(await EvaluateAsync("document.documentElement.scrollHeight"))!);
        var clip = new JsonObject { ["x"] = 0, ["y"] = 0, ["width"] = width, ["height"] = height, ["scale"] = 1 };
        var result = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true, ["clip"] = clip });
        return Convert.FromBase64String(result["data"]!.GetValue<string>());
    }

    private async Task<JsonObject> SendAsync(string method, JsonObject? parameters = null)
    {
        int id = Interlocked.Increment(ref _nextId);
        var tcs = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, _stop.Token);
        return await tcs.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    private async Task ReceiveLoop()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open && !_stop.IsCancellationRequested)
            {
                var r = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (r.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage) continue;
                var node = JsonNode.Parse(message.GetBuffer().AsSpan(0, (int)message.Length))!.AsObject();
                message.SetLength(0);
                Dispatch(node);
            }
        }
        catch (OperationCanceledException) { }
        catch (WebSocketException) { }
        foreach (var p in _pending.Values) p.TrySetException(new InvalidOperationException("DevTools connection closed."));
    }

    private void Dispatch(JsonObject node)
    {
        if (node["id"] is JsonNode idNode && _pending.TryRemove(idNode.GetValue<int>(), out var tcs))
        {
            if (node["error"] is JsonNode error) tcs.TrySetException(new InvalidOperationException($"DevTools error: {error.ToJsonString()}"));
            else tcs.TrySetResult(node["result"]?.AsObject() ?? new JsonObject());
            return;
        }
        var p = node["params"];
        switch ((string?)node["method"])
        {
            case "Page.loadEventFired":
                _loaded.TrySetResult();
                break;
            case "Runtime.consoleAPICalled" when Str(p, "type") is "error" or "assert":
                _errors.Enqueue($"console.{p!["type"]}: {p["args"]?.ToJsonString()}");
                break;
            case "Runtime.exceptionThrown":
                _errors.Enqueue($"exception: {p?["exceptionDetails"]?.ToJsonString()}");
                break;
            case "Log.entryAdded" when Str(p?["entry"], "level") == "error":
                _errors.Enqueue($"log: {p!["entry"]!["text"]} {p["entry"]!["url"]}");
                break;
        }
    }

    private static string? Str(JsonNode? node, string key) => node?[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { if (_socket.State == WebSocketState.Open) await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None); }
        catch (WebSocketException) { }
        _socket.Dispose();
        if (_receiveLoop is not null) try { await _receiveLoop; } catch (Exception) { }
        try { if (!_process.HasExited) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); } }
        catch (InvalidOperationException) { }
        _process.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string? Locate()
    {
        foreach (string name in new[] { "chromium", "chromium-browser", "google-chrome" })
            foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                string p = Path.Combine(dir, name);
                if (File.Exists(p)) return p;
            }
        return null;
    }
}

/// <summary>A fact that needs a Chromium browser; skipped with a clear message when none is installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.Executable is null)
            Skip = "needs Chromium for the real-browser test (apt-get install chromium; .ci/run installs it); not found on PATH, skipped.";
    }
}
