using System.Net;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace MissionConformance.Harness.Reports;

/// <summary>
/// Text a target sent, made safe for the report formats (issue 23: random bytes for an answer crashed the JUnit writer). XML 1.0
/// allows no C0 control character but tab, LF and CR, no unpaired surrogate, nor U+FFFE or U+FFFF; HTML reads the same characters
/// as parse errors. Each becomes U+FFFD, so the report shows that something was there.
/// </summary>
public static class SafeText
{
    public const char Replacement = '\uFFFD';

    /// <summary><paramref name="text"/> with every character XML 1.0 does not allow replaced.</summary>
    public static string Xml(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        if (Allowed(text)) return text;
        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                clean.Append(text[i]).Append(text[++i]);
            }
            else
            {
                clean.Append(XmlConvert.IsXmlChar(text[i]) ? text[i] : Replacement);
            }
        }
        return clean.ToString();
    }

    /// <summary><paramref name="text"/> safe, then HTML-encoded: for element content and quoted attribute values.</summary>
    public static string Html(string? text) => WebUtility.HtmlEncode(Xml(text));

    /// <summary>Every attribute value and text node under <paramref name="root"/> made safe, in place; the root for chaining.</summary>
    public static XElement Clean(XElement root)
    {
        foreach (var element in root.DescendantsAndSelf())
        {
            foreach (var attribute in element.Attributes()) attribute.Value = Xml(attribute.Value);
        }
        foreach (var text in root.DescendantNodes().OfType<XText>()) text.Value = Xml(text.Value);
        return root;
    }

    private static bool Allowed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (XmlConvert.IsXmlChar(text[i])) continue;
            if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                i++;
                continue;
            }
            return false;
        }
        return true;
    }
}
