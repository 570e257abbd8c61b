package corpusgen

// rng is a splitmix64 pseudo-random generator. The whole output sequence is
// defined in this file, so corpora stay byte-identical across Go releases,
// which math/rand does not promise for its derived distributions.
type rng struct{ state uint64 }

// mix64 is the splitmix64 finaliser: a bijective 64-bit hash.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Stream tags keep the random streams of different purposes independent.
const (
	streamLexicon  = 0x6c6578 // "lex"
	streamArticle  = 0x617274 // "art"
	streamQuestion = 0x717374 // "qst"
)

// newRNG returns a generator for stream tag and index i of a corpus seed.
func newRNG(seed int64, tag, i uint64) rng {
	return rng{state: mix64(mix64(mix64(uint64(seed))^tag) ^ i)}
}

func (r *rng) next() uint64 {
	r.state += 0x9e3779b97f4a7c15
	z := r.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a value in [0, n); n must be positive.
func (r *rng) intn(n int) int { return int((r.next() >> 1) % uint64(n)) }

// between returns a value in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// float returns a value in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return r.float() < p }

// weighted returns an index chosen with probability proportional to its weight.
func (r *rng) weighted(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.intn(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// pick returns a random element of list, which must not be empty.
func pick(r *rng, list []string) string { return list[r.intn(len(list))] }
