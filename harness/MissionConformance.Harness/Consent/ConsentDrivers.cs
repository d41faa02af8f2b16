using Microsoft.Playwright;
using MissionConformance.Harness.Targets;
using MissionConformance.Harness.Wire;

namespace MissionConformance.Harness.Consent;

/// <summary>
/// Opens the consent driver the target file asks for. The browser driver needs Chromium; without it
/// the flows go on with the form driver, and what the consent pages show is not judged: SKIPPED with
/// the install instruction, or a failure when CI is set (a CI run must not pass without its browser).
/// </summary>
public static class ConsentDrivers
{
    public static async Task<IConsentDriver> OpenAsync(ConsentSettings settings, TimeSpan timeout, WireLog wire, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        HttpMessageHandler Capture(HttpMessageHandler inner) => new CapturingHandler(wire, inner);
        if (settings.Driver == "form") return new FormConsentDriver(timeout, Capture);

        string problem;
        if (BrowserConsentDriver.FindChromium(environment) is { } chromium)
        {
            try
            {
                return await BrowserConsentDriver.CreateAsync(chromium, settings.Script, timeout, wire);
            }
            catch (PlaywrightException e)
            {
                problem = $"Chromium at {chromium} did not start ({e.Message.Split('\n')[0].Trim()})";
            }
        }
        else
        {
            problem = "no Chromium was found (MISSION_BROWSER, /usr/bin/chromium)";
        }
        var ci = !string.IsNullOrEmpty(environment("CI"));
        var reason = $"consent pages are judged in a browser and {problem}: install it with `apt-get install chromium` (Debian), "
            + "or choose consent.driver \"form\" in the target file" + (ci ? "; CI is set, so a missing browser is a failure" : "");
        return new FormConsentDriver(timeout, Capture, new RenderingGap(reason, IsFailure: ci));
    }
}
