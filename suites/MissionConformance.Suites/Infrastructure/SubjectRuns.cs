using MissionConformance.Harness.Engine;

namespace MissionConformance.Suites.Infrastructure;

/// <summary>
/// One subject's part of a scenario that runs once per server of the target file (a Resource Server, a PDP), the servers side by side:
/// a server that cannot be reached, gives no answer in time, or stops a step has what the scenario had not judged at it INTERRUPTED,
/// with why and its last exchanges; the other servers go on.
/// </summary>
internal static class SubjectRuns
{
    /// <param name="kind">How the report names the server: "resource server", "PDP".</param>
    public static async Task GuardAsync(ScenarioContext context, IReadOnlyList<string> requirements, string subject, string kind, string url, Func<Task> run, Func<string[]> recent)
    {
        try
        {
            await run();
        }
        catch (Exception e) when (e is HttpRequestException or ScenarioInterruptedException or TaskCanceledException && !context.Cancellation.IsCancellationRequested)
        {
            var reason = e switch
            {
                Harness.Wire.ResponseTooLargeException => $"{kind} {subject}: {e.Message}",
                HttpRequestException => $"{kind} {subject} unreachable at {url}: {e.Message}",
                TaskCanceledException => $"{kind} {subject} gave no answer within {context.Target.Timeouts.Request.TotalSeconds:0} s (timeouts.requestSeconds)",
                _ => e.Message,
            };
            foreach (var id in requirements.Where(id => !context.HasJudged(id, subject))) context.InterruptAt(subject, id, reason, recent());
        }
    }
}
