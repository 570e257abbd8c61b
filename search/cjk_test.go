package search

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestCJKTokens(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"東京", []string{"東京"}},
		{"地震訓練", []string{"地震", "震訓", "訓練"}},
		{"雨", []string{"雨"}},
		{"東京都で、訓練", []string{"東京", "京都", "都で", "訓練"}},
		{"NHKによると", []string{"nhk", "によ", "よる", "ると"}},
		{"G7サミット opened", []string{"g7", "サミ", "ミッ", "ット", "opened"}},
	} {
		var got []string
		for _, tk := range newAnalyzer().tokens(c.in) {
			got = append(got, tk.Norm)
		}
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("tokens(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

func TestCJKSentences(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"東京都は訓練を実施した。約五万人が参加した。", []string{"東京都は訓練を実施した。", "約五万人が参加した。"}},
		{"「備えが命を守る。」と知事は述べた。本当か？そうだ！", []string{"「備えが命を守る。」と知事は述べた。", "本当か？", "そうだ！"}},
		{"市长说：“我们准备好了。”会议结束。", []string{"市长说：“我们准备好了。”", "会议结束。"}},
	} {
		var got []string
		for _, sp := range splitSentences(c.in) {
			got = append(got, c.in[sp.Start:sp.End])
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("splitSentences(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

// TestCJKSearch asks in Japanese and Chinese, in words the articles hold
// with no spaces around them, among English articles.
func TestCJKSearch(t *testing.T) {
	ix := openTestIndex(t, fstest.MapFS{
		"tokyo.md": {Data: []byte("---\ntitle: 東京で大規模な地震訓練\npublication: 東京新聞\ndate: 2025-06-01\n---\n\n" +
			"東京都は六月一日、大規模な地震訓練を実施した。約五万人が参加した。\n\n" +
			"港区では停電を想定した訓練も行われた。\n")},
		"beijing.md": {Data: []byte("---\ntitle: 北京地铁新线开通\ndate: 2025-06-02\n---\n\n" +
			"北京地铁十九号线今天正式开通运营。新线全长二十二公里。\n\n" +
			"市民对新线路的开通表示欢迎。\n")},
		"harbour.txt": {Data: article("Harbour Plans", "harbour", 3)},
	})
	for _, c := range []struct{ q, want string }{
		{"地震訓練", "地震訓練を実施"},
		{"何人が参加した？", "約五万人が参加"},
		{"停電", "停電を想定"},
		{"地铁", "北京地铁十九号线"},
		{"新线全长多少公里？", "新线全长二十二公里"},
	} {
		hits := search(t, ix, c.q)
		if len(hits) == 0 {
			t.Errorf("%q: no hit; want the passage with %q", c.q, c.want)
			continue
		}
		h := hits[0]
		if !strings.Contains(h.Passage.Text[h.Answer.Start:h.Answer.End], c.want) {
			t.Errorf("%q: answer %q; want the sentence with %q", c.q, h.Passage.Text[h.Answer.Start:h.Answer.End], c.want)
		}
	}
}
