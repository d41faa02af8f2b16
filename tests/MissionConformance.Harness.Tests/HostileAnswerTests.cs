using System.Net;
using System.Xml.Linq;
using MissionConformance.Harness.Reports;
using MissionConformance.Harness.Wire;

namespace MissionConformance.Harness.Tests;

/// <summary>Issue 23 item 2, below the run: the byte cap on what a target sends, and report text safe for any bytes.</summary>
public sealed class HostileAnswerTests
{
    /// <summary>Answers every request 200 with <paramref name="body"/>, declaring its length or not (chunked, as a stream would).</summary>
    private sealed class Answering(byte[] body, bool declareLength) : HttpMessageHandler
    {
        public int Reads { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Reads++;
            HttpContent content = declareLength ? new ByteArrayContent(body) : new StreamContent(new MemoryStream(body));
            if (!declareLength) content.Headers.ContentLength = null;
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnAnswerPastTheCap_IsRefused_NamingTheCap_AndLoggedOnce(bool declareLength)
    {
        var log = new WireLog { MaxResponseBytes = 65536 };
        using var http = new HttpClient(new CapturingHandler(log, new Answering(new byte[65537], declareLength)));

        var refused = await Assert.ThrowsAsync<ResponseTooLargeException>(() => http.GetAsync("http://127.0.0.1:9/huge", TestContext.Current.CancellationToken));

        Assert.Contains("cap of 65536 bytes", refused.Message, StringComparison.Ordinal);
        Assert.Contains("limits.responseBytes", refused.Message, StringComparison.Ordinal);
        var exchange = Assert.Single(log.Exchanges);
        Assert.Equal(refused.Message, exchange.Error);
        Assert.Null(exchange.ResponseBody);
    }

    [Fact]
    public async Task AnAnswerAtTheCap_IsReadWhole_WithItsHeaders()
    {
        var log = new WireLog { MaxResponseBytes = 65536 };
        var body = System.Text.Encoding.UTF8.GetBytes("{\"issuer\":\"" + new string('a', 65536 - 13) + "\"}");
        using var http = new HttpClient(new CapturingHandler(log, new Answering(body, declareLength: false)));

        using var response = await http.GetAsync("http://127.0.0.1:9/doc", TestContext.Current.CancellationToken);

        Assert.Equal(65536, body.Length);
        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(65536, Assert.Single(log.Exchanges).ResponseBody!.Length);
    }

    [Fact]
    public void SafeText_ReplacesWhatXmlForbids_AndKeepsEverythingElse()
    {
        const string text = "ok\tline\nnext \u0001\u0003\u001f \ud83d\ude00 lone \ud800 end \uffff";

        var safe = SafeText.Xml(text);

        Assert.Equal("ok\tline\nnext \ufffd\ufffd\ufffd \ud83d\ude00 lone \ufffd end \ufffd", safe);
        Assert.Same("plain text", SafeText.Xml("plain text"));
        Assert.Equal("a &lt;b&gt; \ufffd", SafeText.Html("a <b> \u0002"));
        var element = SafeText.Clean(new XElement("case", new XAttribute("message", "bytes \u0003\u0000"), new XElement("out", "x\u0008y")));
        Assert.Equal("<case message=\"bytes \ufffd\ufffd\"><out>x\ufffdy</out></case>", element.ToString(SaveOptions.DisableFormatting));
    }
}
