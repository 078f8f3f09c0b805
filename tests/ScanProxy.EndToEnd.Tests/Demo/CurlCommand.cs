using System.Text;

namespace ScanProxy.EndToEnd.Tests.Demo;

/// <summary>
/// A curl command line as the demo prints it, turned into the same HTTP request, so that the test follows the
/// printed instructions rather than its own idea of them. Understands what the demo uses: <c>-H</c>, <c>-X</c>,
/// <c>-i</c>, <c>-s</c>, <c>-o FILE</c>, <c>-w FORMAT</c>, single quotes; anything else fails the test.
/// </summary>
internal sealed record CurlCommand(HttpMethod Method, Uri Url, IReadOnlyList<(string Name, string Value)> Headers)
{
    /// <summary>Every line of <paramref name="output"/> that is a curl command, in order.</summary>
    public static IReadOnlyList<CurlCommand> FindAll(string output) =>
        [.. output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("curl ", StringComparison.Ordinal)).Select(Parse)];

    public static CurlCommand Parse(string line)
    {
        var words = Words(line);
        Assert.That(words[0], Is.EqualTo("curl"));
        var method = HttpMethod.Get;
        Uri? url = null;
        var headers = new List<(string, string)>();
        for (var i = 1; i < words.Count; i++)
        {
            switch (words[i])
            {
                case "-s" or "-i":
                    break;
                case "-o" or "-w":
                    i++;
                    break;
                case "-X":
                    method = new HttpMethod(words[++i]);
                    break;
                case "-H":
                    var header = words[++i];
                    var colon = header.IndexOf(':', StringComparison.Ordinal);
                    headers.Add((header[..colon].Trim(), header[(colon + 1)..].Trim()));
                    break;
                default:
                    Assert.That(words[i], Does.StartWith("http://"), $"An argument this test does not understand in: {line}");
                    url = new Uri(words[i]);
                    break;
            }
        }

        Assert.That(url, Is.Not.Null, $"No URL in: {line}");
        return new CurlCommand(method, url!, headers);
    }

    /// <summary>The request curl would send.</summary>
    public HttpRequestMessage ToRequest()
    {
        var request = new HttpRequestMessage(Method, Url);
        foreach (var (name, value) in Headers)
        {
            if (string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Host = value;
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }

    // Shell words: spaces separate, single quotes group.
    private static List<string> Words(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in line)
        {
            if (c == '\'')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (any)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    any = false;
                }
            }
            else
            {
                word.Append(c);
                any = true;
            }
        }

        Assert.That(quoted, Is.False, $"Unbalanced quotes in: {line}");
        if (any)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
