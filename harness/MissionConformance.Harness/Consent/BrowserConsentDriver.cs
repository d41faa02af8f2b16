using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using MissionConformance.Harness.Wire;

namespace MissionConformance.Harness.Consent;

/// <summary>
/// Drives any AS's login and consent pages in headless Chromium (Debian's, through Playwright) by the
/// target file's <see cref="ConsentScript"/>. No session leaks between flows; the consent page is kept
/// as a screenshot and as the text a person sees; every document the browser loads is added to the wire
/// log (redacted). The redirect back to the client is intercepted in the browser, so nothing needs to
/// listen on the redirect URI. Flows reuse browser contexts (<see cref="Lane"/>), emptied of every
/// session between flows.
/// </summary>
public sealed class BrowserConsentDriver : IConsentDriver, IAsyncDisposable
{
    /// <summary>Chromium flags for a sandboxless, offline, quiet headless run (../shared/notes/dependencies.md).</summary>
    public static readonly IReadOnlyList<string> ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private static readonly string[] DebianChromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    private const int MaxPages = 12;

    /// <summary>How long after its load event a page may take to show one of the script's selectors before it is taken for an error page.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly ConsentScript _script;
    private readonly TimeSpan _timeout;
    private readonly WireLog _wire;
    private readonly System.Collections.Concurrent.ConcurrentBag<Lane> _idle = [];

    private BrowserConsentDriver(IPlaywright playwright, IBrowser browser, ConsentScript script, TimeSpan timeout, WireLog wire)
    {
        _playwright = playwright;
        _browser = browser;
        _script = script;
        _timeout = timeout;
        _wire = wire;
    }

    public string Name => "browser";

    public RenderingGap? Gap => null;

    /// <summary>The Chromium to use: $MISSION_BROWSER, else Debian's, else null.</summary>
    public static string? FindChromium(Func<string, string?>? environment = null)
    {
        var configured = (environment ?? Environment.GetEnvironmentVariable)("MISSION_BROWSER");
        if (!string.IsNullOrEmpty(configured)) return File.Exists(configured) ? configured : null;
        return DebianChromium.FirstOrDefault(File.Exists);
    }

    public static async Task<BrowserConsentDriver> CreateAsync(string executablePath, ConsentScript script, TimeSpan timeout, WireLog wire)
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executablePath,
                Headless = true,
                Args = ChromiumArgs,
                Timeout = (float)TimeSpan.FromSeconds(30).TotalMilliseconds,
            });
            return new BrowserConsentDriver(playwright, browser, script, timeout, wire);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    public async Task<ConsentOutcome> RunAsync(ConsentRequest request, CancellationToken ct)
    {
        var scenario = WireLog.Scenario;
        var lane = _idle.TryTake(out var idle) ? idle : await WithinAsync(Lane.OpenAsync(_browser, _timeout), "open a browser context", request);
        var reusable = false;
        try
        {
            await WithinAsync(lane.ResetAsync(request.AuthorizationEndpoint), "clear cookies and storage", request);
            var redirect = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            var glob = request.RedirectUri.TrimEnd('/') + "**";
            async Task Intercept(IRoute route)
            {
                redirect.TrySetResult(new Uri(route.Request.Url));
                await route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/plain", Body = "redirect captured by MissionConformance" });
            }
            await lane.Page.RouteAsync(glob, Intercept);
            using var cancel = ct.Register(() => redirect.TrySetCanceled(ct));

            var flow = new Flow(this, lane.Page, request, scenario, lane.Documents, lane.DescribeUnanswered, () => lane.Commits);
            try
            {
                var outcome = await flow.RunAsync(redirect.Task);
                reusable = true;
                return outcome;
            }
            finally
            {
                flow.Record();
                if (reusable)
                {
                    // The flow ends when the route sees the redirect, while the browser is still navigating to it. The
                    // lane is reused only once that navigation has committed, with the route still in place: one that
                    // outlived its flow reached 127.0.0.1:80 unrouted, or interrupted the lane's next flow.
                    try
                    {
                        if (redirect.Task.IsCompletedSuccessfully)
                        {
                            await lane.Page.WaitForURLAsync(url => url.StartsWith(request.RedirectUri, StringComparison.Ordinal),
                                new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit, Timeout = (float)_timeout.TotalMilliseconds });
                        }
                        await lane.Page.UnrouteAsync(glob, Intercept);
                    }
                    catch (Exception e) when (e is PlaywrightException or TimeoutException)
                    {
                        reusable = false;  // the outcome stands; only the lane is not trusted with another flow
                    }
                }
            }
        }
        finally
        {
            // A lane whose flow failed may be stuck mid-navigation: it is closed, and the next flow opens a fresh one.
            if (reusable) _idle.Add(lane);
            else await CloseAsync(lane);
        }
    }

    /// <summary>
    /// A browser call Playwright does not bound itself (a new context, a DevTools command), bounded by timeouts.consentSeconds:
    /// the browser of a loaded machine must fail the flow, with the step named, never hang it.
    /// </summary>
    private async Task WithinAsync(Task call, string step, ConsentRequest request)
    {
        try
        {
            await call.WaitAsync(_timeout);
        }
        catch (TimeoutException)
        {
            Observe(call);
            throw new ConsentDriverException(step, request.AuthorizationEndpoint, $"the browser did not answer within {_timeout.TotalSeconds:0} s (timeouts.consentSeconds)");
        }
    }

    private async Task<T> WithinAsync<T>(Task<T> call, string step, ConsentRequest request)
    {
        await WithinAsync((Task)call, step, request);
        return await call;
    }

    /// <summary>Closes a lane not trusted with another flow; a browser that does not close it in time keeps it.</summary>
    private async Task CloseAsync(Lane lane)
    {
        var closing = lane.DisposeAsync().AsTask();
        Observe(closing);
        await Task.WhenAny(closing, Task.Delay(_timeout));
    }

    private static void Observe(Task task) => task.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);

    /// <summary>
    /// A browser context and its page, reused by one flow after another: a new context per flow costs
    /// a renderer process, which on two cores was a large part of each flow. Before each flow the lane
    /// drops every cookie and all of the authorization server origin's storage, so no session carries over.
    /// </summary>
    private sealed class Lane : IAsyncDisposable
    {
        private readonly IBrowserContext _context;
        private readonly ICDPSession _devTools;

        private Lane(IBrowserContext context, IPage page, ICDPSession devTools)
        {
            _context = context;
            Page = page;
            _devTools = devTools;
            page.Response += (_, response) =>
            {
                if (response.Request.IsNavigationRequest && response.Frame == page.MainFrame)
                {
                    lock (Documents) Documents.Add((response, DateTimeOffset.UtcNow));
                    lock (Unanswered) Unanswered.Remove(response.Request);
                    if (response.Status is < 300 or >= 400) Interlocked.Increment(ref _commits);
                }
            };
            page.Request += (_, sent) =>
            {
                if (sent.IsNavigationRequest && sent.Frame == page.MainFrame)
                {
                    lock (Unanswered) Unanswered[sent] = "no answer yet";
                }
            };
            page.RequestFailed += (_, failed) =>
            {
                lock (Unanswered)
                {
                    if (Unanswered.ContainsKey(failed)) Unanswered[failed] = "failed: " + (failed.Failure ?? "no reason given");
                }
            };
        }

        private int _commits;

        /// <summary>
        /// How many documents (not redirects) the main frame has received so far: a new one, once the page's URL changed, means the
        /// page was left, even for a page like it. A script's pushState changes the URL without one, so it never counts as leaving.
        /// </summary>
        public int Commits => Volatile.Read(ref _commits);

        /// <summary>The page's navigations of the current flow that got no document: still waiting, or failed, and why.</summary>
        public Dictionary<IRequest, string> Unanswered { get; } = [];

        /// <summary>What <see cref="Unanswered"/> holds, for a message: "POST https://…/decide (no answer yet)".</summary>
        public string DescribeUnanswered()
        {
            lock (Unanswered)
            {
                return Unanswered.Count == 0 ? "none"
                    : string.Join("; ", Unanswered.Select(u => $"{u.Key.Method} {Redactor.Url(u.Key.Url)} ({u.Value})"));
            }
        }

        public IPage Page { get; }

        /// <summary>The documents the page loaded during the current flow.</summary>
        public List<(IResponse Response, DateTimeOffset At)> Documents { get; } = [];

        public static async Task<Lane> OpenAsync(IBrowser browser, TimeSpan timeout)
        {
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1000, Height = 800 } });
            context.SetDefaultTimeout((float)timeout.TotalMilliseconds);
            var page = await context.NewPageAsync();
            return new Lane(context, page, await context.NewCDPSessionAsync(page));
        }

        public async Task ResetAsync(Uri authorizationEndpoint)
        {
            lock (Documents) Documents.Clear();
            lock (Unanswered) Unanswered.Clear();
            await _context.ClearCookiesAsync();
            await _devTools.SendAsync("Storage.clearDataForOrigin", new Dictionary<string, object>
            {
                ["origin"] = authorizationEndpoint.GetLeftPart(UriPartial.Authority),
                ["storageTypes"] = "all",
            });
        }

        public async ValueTask DisposeAsync() => await _context.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var lane)) await lane.DisposeAsync();
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    /// <summary>One flow through the pages, with what it captured.</summary>
    private sealed class Flow(BrowserConsentDriver driver, IPage page, ConsentRequest request, string scenario, List<(IResponse Response, DateTimeOffset At)> documents,
        Func<string> unanswered, Func<int> commits)
    {
        private readonly List<ConsentPageCapture> _pages = [];

        public async Task<ConsentOutcome> RunAsync(Task<Uri> redirect)
        {
            var url = request.AuthorizationUrl();
            try
            {
                await page.GotoAsync(url.AbsoluteUri);
            }
            catch (PlaywrightException e)
            {
                throw new ConsentDriverException("open the authorization URL", Redact(url.AbsoluteUri), FirstLine(e.Message));
            }

            string consentHtml = "", consentText = "";
            string? decidedAt = null;
            for (var hop = 0; hop < MaxPages; hop++)
            {
                var current = await RecogniseAsync(redirect);
                if (redirect.IsCompleted) return ConsentOutcome.FromRedirect(await redirect, consentHtml, consentText, _pages);
                if (current is null)
                {
                    var text = await SafeTextAsync();
                    throw await FailAsync("recognise the page", $"none of the script's pages ({string.Join(", ", driver._script.Pages.Select(p => $"{p.Name}: {p.When}"))}) is on it; it shows: {Excerpt(text)}");
                }
                if (decidedAt is not null && current.Kind == ConsentPageKind.Consent)
                {
                    // The decision was taken and the AS asks for it again: the flow would never reach the client.
                    throw new ConsentLoopException(current.Name, decidedAt, Redact(page.Url), await ScreenshotAsync("consent-again"));
                }
                var (committed, left) = (commits(), page.Url);

                var screenshot = current.Kind == ConsentPageKind.Consent ? await ScreenshotAsync(current.Name) : null;
                _pages.Add(Capture(current.Name, screenshot));
                foreach (var step in current.Steps) await StepAsync(step);
                if (current.Kind == ConsentPageKind.Consent)
                {
                    (consentHtml, consentText) = await ReadConsentAsync();
                    if (request.Decision == ConsentDecision.ForgedApproval) return await ForgeAsync(current, consentHtml, consentText);
                    var button = request.Decision == ConsentDecision.Approve ? current.Approve : current.Deny;
                    await DecideAsync(current, button ?? throw new ConsentDriverException("decide", Redact(page.Url), $"consent page \"{current.Name}\" names no {request.Decision} selector"), redirect);
                    decidedAt = Redactor.Url(left);
                }
                await LeaveAsync(current, redirect, committed, left);
            }
            throw await FailAsync("follow", $"more than {MaxPages} pages without reaching {request.RedirectUri}");
        }

        /// <summary>The script page now showing, or null (the redirect arrived, or the page matches none).</summary>
        private async Task<ScriptPage?> RecogniseAsync(Task<Uri> redirect)
        {
            if (redirect.IsCompleted) return null;
            // Whichever comes first: one of the script's selectors, the redirect, or the document loaded and
            // settled without one (an error page). The DOM, asked once more at the end, decides: a timer on a
            // loaded two-core machine must not turn a login page into "none of the script's pages".
            var whens = driver._script.Pages.Select(p => p.When).ToArray();
            var any = page.Locator(string.Join(", ", whens)).First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
            var settled = LoadedAndSettledAsync();
            Observe(any);
            Observe(settled);
            await Task.WhenAny(any, redirect, settled);
            if (redirect.IsCompleted) return null;
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    var asked = page.EvaluateAsync<int>("whens => whens.findIndex(w => document.querySelector(w) !== null)", whens);
                    Observe(asked);
                    var index = await asked.WaitAsync(driver._timeout);
                    return index < 0 ? null : driver._script.Pages[index];
                }
                catch (TimeoutException)
                {
                    throw await FailAsync("recognise the page", $"the page did not answer a query within {driver._timeout.TotalSeconds:0} s (timeouts.consentSeconds)");
                }
                catch (PlaywrightException) when (attempt == 0)
                {
                    await page.WaitForLoadStateAsync(LoadState.Load);  // the document was replaced mid-evaluation: ask the new one
                }
            }
        }

        /// <summary>The current document has loaded, and <see cref="Settle"/> has passed for scripts that render after load.</summary>
        private async Task LoadedAndSettledAsync()
        {
            await page.WaitForLoadStateAsync(LoadState.Load);
            await Task.Delay(Settle);
        }

        /// <summary>
        /// Waits until the page was left: its selector gone, or another document committed at another URL (a next page that
        /// looks like this one, such as a second approval), or the redirect arrived.
        /// </summary>
        private async Task LeaveAsync(ScriptPage current, Task<Uri> redirect, int committed, string url)
        {
            var gone = page.Locator(current.When).First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
            Observe(gone);
            using var stop = new CancellationTokenSource(driver._timeout);
            var moved = MovedAsync(committed, url, stop.Token);
            await Task.WhenAny(gone, redirect, moved);
            await stop.CancelAsync();
            if (redirect.IsCompleted || gone.IsCompletedSuccessfully || moved is { IsCompletedSuccessfully: true, Result: true }) return;
            throw await FailAsync($"leave page \"{current.Name}\"", $"its steps ran but the page stayed ({current.When} still present after {driver._timeout.TotalSeconds:0} s; "
                + $"navigations without a document: {unanswered()}); it shows: {Excerpt(await SafeTextAsync())}");
        }

        /// <summary>True once the main frame has received a document after the <paramref name="committed"/>th and shows a URL other than <paramref name="url"/>.</summary>
        private async Task<bool> MovedAsync(int committed, string url, CancellationToken ct)
        {
            while (!ct.IsCancellationRequested)
            {
                if (commits() > committed && page.Url != url) return true;
                try
                {
                    await Task.Delay(100, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            return false;
        }

        /// <summary>The consent page's markup and the text a person sees, which the consent checks judge.</summary>
        private async Task<(string Html, string Text)> ReadConsentAsync()
        {
            try
            {
                return (await page.ContentAsync().WaitAsync(driver._timeout), await page.InnerTextAsync("body"));
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException)
            {
                throw await FailAsync("read the consent page", FirstLine(e.Message));
            }
        }

        /// <summary>
        /// Clicks the decision. The redirect back to the client is what the click is for: once it has arrived the
        /// flow's outcome is known, whatever Playwright still waits for (on a loaded machine a click that
        /// navigated was seen to time out waiting for that navigation, with the code already in hand).
        /// </summary>
        private async Task DecideAsync(ScriptPage consent, string selector, Task<Uri> redirect)
        {
            Func<IRoute, Task>? resend = consent.Submit is { } submit ? route => ResendAsync(route, submit) : null;
            if (resend is not null) await page.RouteAsync("**/*", resend);
            try
            {
                var clicked = page.Locator(selector).ClickAsync();
                Observe(clicked);
                await Task.WhenAny(clicked, redirect);
                if (redirect.IsCompletedSuccessfully) return;
                try
                {
                    await clicked;
                }
                catch (Exception e) when (e is PlaywrightException or TimeoutException)
                {
                    throw await FailAsync(new ScriptStep("click", selector, null).Describe(), FirstLine(e.Message));
                }
            }
            finally
            {
                if (resend is not null) await page.UnrouteAsync("**/*", resend);
            }
        }

        /// <summary>
        /// The form submission the decision click starts, re-sent as the target file says (<see cref="DecisionSubmission"/>): its
        /// fields as JSON, and the members it adds. Every other request goes on untouched (to the redirect capture among them).
        /// </summary>
        private async Task ResendAsync(IRoute route, DecisionSubmission submit)
        {
            var sent = route.Request;
            if (sent.Method != "POST" || !sent.IsNavigationRequest)
            {
                await route.FallbackAsync();
                return;
            }
            var fields = new List<KeyValuePair<string, string>>();
            var form = System.Web.HttpUtility.ParseQueryString(sent.PostData ?? "");
            foreach (var name in form.AllKeys.OfType<string>()) fields.Add(new(name, form[name] ?? ""));
            foreach (var (name, value) in submit.Add)
            {
                fields.RemoveAll(f => f.Key == name);
                fields.Add(new(name, ConsentScript.Substitute(value, request.Account)));
            }
            var (body, contentType) = submit.AsJson
                ? (new JsonObject([.. fields.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value))]).ToJsonString(), "application/json")
                : (await new FormUrlEncodedContent(fields).ReadAsStringAsync(), "application/x-www-form-urlencoded");
            var headers = sent.Headers.Where(h => !h.Key.Equals("content-type", StringComparison.OrdinalIgnoreCase) && !h.Key.Equals("content-length", StringComparison.OrdinalIgnoreCase))
                .ToDictionary(h => h.Key, h => h.Value);
            headers["content-type"] = contentType;
            await route.ContinueAsync(new RouteContinueOptions { PostData = System.Text.Encoding.UTF8.GetBytes(body), Headers = headers });
        }

        private async Task StepAsync(ScriptStep step)
        {
            try
            {
                var value = step.Value is null ? null : ConsentScript.Substitute(step.Value, request.Account);
                switch (step.Action)
                {
                    case "fill": await page.Locator(step.Selector!).FillAsync(value ?? ""); break;
                    case "select": await page.Locator(step.Selector!).SelectOptionAsync(value ?? ""); break;
                    case "click": await page.Locator(step.Selector!).ClickAsync(); break;
                    case "check": await page.Locator(step.Selector!).CheckAsync(); break;
                    case "waitFor": await page.Locator(step.Selector!).First.WaitForAsync(); break;
                    case "expectText":
                        var text = await page.Locator(step.Selector ?? "body").First.InnerTextAsync();
                        if (!text.Contains(value ?? "", StringComparison.Ordinal)) throw new ConsentDriverException(step.Describe(), Redact(page.Url), $"the text \"{value}\" is not on the page", await ScreenshotAsync("failed-step"));
                        break;
                    default: throw new ConsentDriverException(step.Describe(), Redact(page.Url), $"unknown step \"{step.Action}\"");
                }
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException)
            {
                throw await FailAsync(step.Describe(), FirstLine(e.Message));
            }
        }

        /// <summary>
        /// RFC 6749 §10.12: submits the approval as a cross-site attacker could, with this browser's cookies
        /// (the worst case: no SameSite protection) but only the fields whose values the attacker chose in the
        /// authorization URL, and the approve button. A code in the answer means the approval was forgeable.
        /// </summary>
        private async Task<ConsentOutcome> ForgeAsync(ScriptPage consent, string consentHtml, string consentText)
        {
            var form = await page.Locator(consent.Approve ?? throw new ConsentDriverException("forge", Redact(page.Url), "the consent page names no approve selector")).First
                .EvaluateAsync<JsonElement>("b => { const f = b.form; return { action: f ? f.action : location.href, button: [b.name || '', b.value || ''], "
                    + "fields: f ? Array.from(f.elements).filter(e => e.name && e.type === 'hidden').map(e => [e.name, e.value]) : [] }; }");
            var attackerValues = request.AttackerKnownValues();
            var data = page.Context.APIRequest.CreateFormData();
            foreach (var field in form.GetProperty("fields").EnumerateArray())
            {
                if (attackerValues.Contains(field[1].GetString() ?? "")) data.Set(field[0].GetString()!, field[1].GetString()!);
            }
            var button = form.GetProperty("button");
            if (button[0].GetString() is { Length: > 0 } name) data.Set(name, button[1].GetString() ?? "");
            var response = await page.Context.APIRequest.PostAsync(form.GetProperty("action").GetString()!, new APIRequestContextOptions { Form = data, MaxRedirects = 0, FailOnStatusCode = false });
            var location = response.Headers.TryGetValue("location", out var l) ? new Uri(new Uri(page.Url), l) : null;
            _pages.Add(new ConsentPageCapture("forged-approval", Redact(form.GetProperty("action").GetString()!).AbsoluteUri, response.Status,
                Redacted(response.Headers), null));
            return location is not null && location.AbsoluteUri.StartsWith(request.RedirectUri, StringComparison.Ordinal)
                ? ConsentOutcome.FromRedirect(location, consentHtml, consentText, _pages)
                : new ConsentOutcome(null, null, null, $"HTTP {response.Status}", null, consentHtml, consentText, _pages);
        }

        private ConsentPageCapture Capture(string name, string? screenshot)
        {
            IResponse? document;
            lock (documents) document = documents.Count == 0 ? null : documents[^1].Response;
            return new ConsentPageCapture(name, Redact(page.Url).AbsoluteUri, document?.Status, document is null ? [] : Redacted(document.Headers), screenshot);
        }

        private async Task<string?> ScreenshotAsync(string name)
        {
            try
            {
                return driver._wire.Attach(name, "image/png", await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true, Type = ScreenshotType.Png }), scenario);
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException)
            {
                return null;  // a page that cannot be photographed in time still gets its verdict; only the picture is missing
            }
        }

        private async Task<ConsentDriverException> FailAsync(string step, string reason)
            => new(step, Redact(page.Url), reason, await ScreenshotAsync("failed-step"));

        private async Task<string> SafeTextAsync()
        {
            try
            {
                return await page.InnerTextAsync("body", new PageInnerTextOptions { Timeout = 1000 });
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException)
            {
                return "(no text)";
            }
        }

        /// <summary>Adds the documents the browser loaded to the wire log, redacted like every other exchange (headers only, no bodies).</summary>
        public void Record()
        {
            List<(IResponse Response, DateTimeOffset At)> loaded;
            lock (documents) loaded = [.. documents];
            foreach (var (r, at) in loaded)
            {
                var headers = Redacted(r.Headers);
                var contentType = headers.FirstOrDefault(h => h.Key == "content-type").Value;
                driver._wire.Add(new Exchange(driver._wire.NextId(), scenario, at, TimeSpan.Zero, r.Request.Method, Redactor.Url(r.Url),
                    Redacted(r.Request.Headers), null, null, r.Status, headers, contentType, null, null));
            }
        }

        private static List<KeyValuePair<string, string>> Redacted(IReadOnlyDictionary<string, string> headers)
            => [.. headers.Select(h => new KeyValuePair<string, string>(h.Key, Redactor.Header(h.Key, h.Value)))];

        private static Uri Redact(string url) => new(Redactor.Url(url));

        private static string FirstLine(string message) => message.Split('\n')[0].Trim();

        private static string Excerpt(string text)
        {
            var flat = string.Join(' ', text.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
            return flat.Length <= 300 ? flat : flat[..300] + "…";
        }
    }
}
