using ScanProxy.Edge;

namespace ScanProxy.Tests.Edge;

public sealed class UrlCanonicalizerTests
{
    // scheme, Host header, request target, expected canonical URL (query kept).
    private static readonly object[] s_cases =
    [
        // Scheme and host.
        new object[] { "http", "shop.example", "/a/b", "http://shop.example/a/b" },
        new object[] { "HTTP", "Shop.EXAMPLE", "/a", "http://shop.example/a" },
        new object[] { "http", "HOST.Example.:80", "/x", "http://host.example/x" },
        new object[] { "http", "shop.example.", "/x", "http://shop.example/x" },
        new object[] { "http", "shop.example:80", "/x", "http://shop.example/x" },
        new object[] { "http", "shop.example:080", "/x", "http://shop.example/x" },
        new object[] { "https", "shop.example:443", "/x", "https://shop.example/x" },
        new object[] { "http", "shop.example:443", "/x", "http://shop.example:443/x" },
        new object[] { "https", "shop.example:80", "/x", "https://shop.example:80/x" },
        new object[] { "http", "shop.example:8080", "/x", "http://shop.example:8080/x" },
        new object[] { "http", "127.0.0.1:80", "/x", "http://127.0.0.1/x" },
        new object[] { "http", "[::1]:8080", "/x", "http://[::1]:8080/x" },
        new object[] { "http", "[::1]:80", "/x", "http://[::1]/x" },
        new object[] { "http", "[2001:DB8::A]", "/x", "http://[2001:db8::a]/x" },

        // Path: empty, dot segments, repeated slashes, trailing slash, case.
        new object[] { "http", "shop.example", "", "http://shop.example/" },
        new object[] { "http", "shop.example", "/", "http://shop.example/" },
        new object[] { "http", "shop.example", "a/b", "http://shop.example/a/b" },
        new object[] { "http", "shop.example", "/a/../b", "http://shop.example/b" },
        new object[] { "http", "shop.example", "/../x", "http://shop.example/x" },
        new object[] { "http", "shop.example", "/../../x/..", "http://shop.example/" },
        new object[] { "http", "shop.example", "/a/./b", "http://shop.example/a/b" },
        new object[] { "http", "shop.example", "/./", "http://shop.example/" },
        new object[] { "http", "shop.example", "//x//y", "http://shop.example/x/y" },
        new object[] { "http", "shop.example", "///", "http://shop.example/" },
        new object[] { "http", "shop.example", "/a/b/", "http://shop.example/a/b/" },
        new object[] { "http", "shop.example", "/a//", "http://shop.example/a/" },
        new object[] { "http", "shop.example", "/a/b/.", "http://shop.example/a/b/" },
        new object[] { "http", "shop.example", "/a/b/c/..", "http://shop.example/a/b/" },
        new object[] { "http", "shop.example", "/a/b/../../c", "http://shop.example/c" },
        new object[] { "http", "shop.example", "/a/.../b", "http://shop.example/a/.../b" },
        new object[] { "http", "shop.example", "/Img/Photo.JPG", "http://shop.example/Img/Photo.JPG" },

        // Path escapes.
        new object[] { "http", "shop.example", "/%41", "http://shop.example/A" },
        new object[] { "http", "shop.example", "/%7e", "http://shop.example/~" },
        new object[] { "http", "shop.example", "/%7E%2d%5F%2E", "http://shop.example/~-_." },
        new object[] { "http", "shop.example", "/a%2Fb", "http://shop.example/a%2Fb" },
        new object[] { "http", "shop.example", "/a%2fb", "http://shop.example/a%2Fb" },
        new object[] { "http", "shop.example", "/a/%2e%2e/b", "http://shop.example/b" },
        new object[] { "http", "shop.example", "/a/%2E/b", "http://shop.example/a/b" },
        new object[] { "http", "shop.example", "/%2e%2e%2Fx", "http://shop.example/..%2Fx" },
        new object[] { "http", "shop.example", "/a%21b", "http://shop.example/a!b" },
        new object[] { "http", "shop.example", "/a%3ab%40c%3Bd", "http://shop.example/a:b@c;d" },
        new object[] { "http", "shop.example", "/a%3fb", "http://shop.example/a%3Fb" },
        new object[] { "http", "shop.example", "/a%23b", "http://shop.example/a%23b" },
        new object[] { "http", "shop.example", "/a%25b", "http://shop.example/a%25b" },
        new object[] { "http", "shop.example", "/a%252Fb", "http://shop.example/a%2Fb" },
        new object[] { "http", "shop.example", "/a%252fb", "http://shop.example/a%2Fb" },
        new object[] { "http", "shop.example", "/a%25252Fb", "http://shop.example/a%25252Fb" },
        new object[] { "http", "shop.example", "/a%2541", "http://shop.example/a%2541" },
        new object[] { "http", "shop.example", "/x?q=a%252Fb", "http://shop.example/x?q=a%252Fb" },
        new object[] { "http", "shop.example", "/100%", "http://shop.example/100%25" },
        new object[] { "http", "shop.example", "/%zz%4", "http://shop.example/%25zz%254" },
        new object[] { "http", "shop.example", "/a b", "http://shop.example/a%20b" },
        new object[] { "http", "shop.example", "/a%20b", "http://shop.example/a%20b" },
        new object[] { "http", "shop.example", "/a\"<>\\^`{|}", "http://shop.example/a%22%3C%3E%5C%5E%60%7B%7C%7D" },
        new object[] { "http", "shop.example", "/caf\u00e9", "http://shop.example/caf%C3%A9" },
        new object[] { "http", "shop.example", "/caf%c3%a9", "http://shop.example/caf%C3%A9" },
        new object[] { "http", "shop.example", "/\u20ac/\U0001F600", "http://shop.example/%E2%82%AC/%F0%9F%98%80" },

        // Fragment and query.
        new object[] { "http", "shop.example", "/x#frag", "http://shop.example/x" },
        new object[] { "http", "shop.example", "/x?b=1#frag?c=2", "http://shop.example/x?b=1" },
        new object[] { "http", "shop.example", "/x?", "http://shop.example/x" },
        new object[] { "http", "shop.example", "/x?&&", "http://shop.example/x" },
        new object[] { "http", "shop.example", "?a=1", "http://shop.example/?a=1" },
        new object[] { "http", "shop.example", "/x?b=2&a=1", "http://shop.example/x?a=1&b=2" },
        new object[] { "http", "shop.example", "/x?a=2&a=1", "http://shop.example/x?a=1&a=2" },
        new object[] { "http", "shop.example", "/x?a=1&&b=2&", "http://shop.example/x?a=1&b=2" },
        new object[] { "http", "shop.example", "/x?ab=1&a=2", "http://shop.example/x?a=2&ab=1" },
        new object[] { "http", "shop.example", "/x?a-b=1&a=2", "http://shop.example/x?a=2&a-b=1" },
        new object[] { "http", "shop.example", "/x?a=&a", "http://shop.example/x?a&a=" },
        new object[] { "http", "shop.example", "/x?q=a+b", "http://shop.example/x?q=a+b" },
        new object[] { "http", "shop.example", "/x?q=a%2bb", "http://shop.example/x?q=a%2Bb" },
        new object[] { "http", "shop.example", "/x?q=%26%3d%3b", "http://shop.example/x?q=%26%3D%3B" },
        new object[] { "http", "shop.example", "/x?q=%41%2F%3F", "http://shop.example/x?q=A/?" },
        new object[] { "http", "shop.example", "/x?q=/a/../b", "http://shop.example/x?q=/a/../b" },
        new object[] { "http", "shop.example", "/x?q=a b", "http://shop.example/x?q=a%20b" },
        new object[] { "http", "shop.example", "/x?q=caf\u00e9", "http://shop.example/x?q=caf%C3%A9" },
        new object[] { "http", "shop.example", "/x?q=1=2", "http://shop.example/x?q=1=2" },
    ];

    [TestCaseSource(nameof(s_cases))]
    public void Canonicalize_gives_one_spelling_for_each_url(string scheme, string host, string target, string expected)
    {
        Assert.That(UrlCanonicalizer.Canonicalize(scheme, host, target, ignoreQueryString: false), Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(s_cases))]
    public void Canonicalize_is_idempotent(string scheme, string host, string target, string expected)
    {
        Assert.That(UrlCanonicalizer.TryCanonicalize(expected, ignoreQueryString: false, out var again), Is.True);
        Assert.That(again, Is.SameAs(expected));
    }

    [TestCaseSource(nameof(s_cases))]
    public void TryFormat_writes_the_same_as_Canonicalize_without_allocating_a_string(string scheme, string host, string target, string expected)
    {
        var buffer = new char[UrlCanonicalizer.GetMaxLength(scheme, host, target)];

        var formatted = UrlCanonicalizer.TryFormat(scheme, host, target, ignoreQueryString: false, buffer, out var written);

        Assert.That(formatted, Is.True);
        Assert.That(new string(buffer, 0, written), Is.EqualTo(expected));
    }

    [TestCase("/x?b=2&a=1", "http://shop.example/x")]
    [TestCase("/x?", "http://shop.example/x")]
    [TestCase("/x?v=123#top", "http://shop.example/x")]
    [TestCase("/a/../x?v=1", "http://shop.example/x")]
    public void Ignoring_the_query_string_drops_the_query(string target, string expected)
    {
        Assert.That(UrlCanonicalizer.Canonicalize("http", "shop.example", target, ignoreQueryString: true), Is.EqualTo(expected));
    }

    [Test]
    public void TryFormat_refuses_a_buffer_shorter_than_the_maximum_length()
    {
        var buffer = new char[UrlCanonicalizer.GetMaxLength("http", "shop.example", "/a") - 1];

        Assert.That(UrlCanonicalizer.TryFormat("http", "shop.example", "/a", false, buffer, out var written), Is.False);
        Assert.That(written, Is.Zero);
    }

    [Test]
    public void A_url_longer_than_the_stack_buffer_is_canonicalized_in_a_pooled_buffer()
    {
        var segment = new string('a', 100);
        var target = string.Concat(Enumerable.Repeat("/" + segment + "/.", 30)) + "?%7e=1";

        var canonical = UrlCanonicalizer.Canonicalize("http", "shop.example", target, false);

        Assert.That(canonical, Is.EqualTo("http://shop.example" + string.Concat(Enumerable.Repeat("/" + segment, 30)) + "/?~=1"));
    }

    [Test]
    public void Thousands_of_query_parameters_are_sorted()
    {
        var names = Enumerable.Range(0, 3000).Select(i => $"p{i:D4}=v").ToArray();
        var reversed = "/x?" + string.Join('&', names.Reverse());

        var canonical = UrlCanonicalizer.Canonicalize("http", "shop.example", reversed, false);

        Assert.That(canonical, Is.EqualTo("http://shop.example/x?" + string.Join('&', names)));
    }

    [Test]
    public void Query_parameters_in_any_order_give_the_same_url()
    {
        var orders = new[] { "/x?c=3&a=1&b=2&a=0", "/x?a=0&a=1&b=2&c=3", "/x?b=2&a=1&c=3&a=0", "/x?a=1&c=3&a=0&b=2" };

        var canonical = orders.Select(o => UrlCanonicalizer.Canonicalize("http", "shop.example", o, false)).Distinct().ToArray();

        Assert.That(canonical, Has.Length.EqualTo(1));
        Assert.That(canonical[0], Is.EqualTo("http://shop.example/x?a=0&a=1&b=2&c=3"));
    }

    [TestCase("http://shop.example/a/b", "http://shop.example/a/b")]
    [TestCase("HTTP://SHOP.Example.:80/a/./b/../c", "http://shop.example/a/c")]
    [TestCase("http://shop.example", "http://shop.example/")]
    [TestCase("http://shop.example?b=1&a=2", "http://shop.example/?a=2&b=1")]
    [TestCase("https://shop.example:443#top", "https://shop.example/")]
    [TestCase("http://[::1]:9000/%7Ex", "http://[::1]:9000/~x")]
    [TestCase("http://shop_1.example/x", "http://shop_1.example/x")]
    public void TryCanonicalize_accepts_absolute_http_urls(string url, string expected)
    {
        Assert.That(UrlCanonicalizer.TryCanonicalize(url, false, out var canonical), Is.True);
        Assert.That(canonical, Is.EqualTo(expected));
    }

    [Test]
    public void TryCanonicalize_returns_the_same_instance_for_a_canonical_url()
    {
        var url = "https://shop.example/img/a.jpg?a=1&b=2";

        UrlCanonicalizer.TryCanonicalize(url, false, out var canonical);

        Assert.That(canonical, Is.SameAs(url));
    }

    [TestCase("/relative/path")]
    [TestCase("shop.example/x")]
    [TestCase("ftp://shop.example/x")]
    [TestCase("javascript://shop.example/x")]
    [TestCase("http://user:pass@shop.example/x")]
    [TestCase("http:///x")]
    [TestCase("http://:80/x")]
    [TestCase("http://shop.example:0/x")]
    [TestCase("http://shop.example:99999/x")]
    [TestCase("http://shop.example:8o/x")]
    [TestCase("http://shop..example/x")]
    [TestCase("http://.shop.example/x")]
    [TestCase("http://sh op.example/x")]
    [TestCase("http://caf\u00e9.example/x")]
    [TestCase("http://[zz::1]/x")]
    [TestCase("http://[::1]x/")]
    [TestCase("http://127.0.0.1]/x")]
    [TestCase("")]
    public void TryCanonicalize_rejects_what_is_not_an_absolute_http_url(string url)
    {
        Assert.That(UrlCanonicalizer.TryCanonicalize(url, false, out var canonical), Is.False);
        Assert.That(canonical, Is.Null);
    }
}
