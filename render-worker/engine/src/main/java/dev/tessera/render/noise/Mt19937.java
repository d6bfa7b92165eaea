package dev.tessera.render.noise;

/**
 * The 32-bit Mersenne Twister (MT19937) as PyTorch's CPU generator runs it: seeded with {@code
 * init_genrand} from the low 32 bits of the seed, producing one 32-bit word per {@link #nextInt()}.
 *
 * <p>Not thread-safe: one instance belongs to one stream of draws.
 */
final class Mt19937 {
  private static final int N = 624;
  private static final int M = 397;
  private static final int MATRIX_A = 0x9908b0df;
  private static final int UPPER_MASK = 0x80000000;
  private static final int LOWER_MASK = 0x7fffffff;

  private final int[] state = new int[N];
  private int index;

  /** Seeds with the low 32 bits of {@code seed}, as {@code torch.manual_seed} does. */
  Mt19937(long seed) {
    state[0] = (int) seed;
    for (int i = 1; i < N; i++) {
      int prev = state[i - 1];
      state[i] = 1812433253 * (prev ^ (prev >>> 30)) + i;
    }
    index = N;
  }

  /** The next 32 output bits; read them as unsigned where the value matters. */
  int nextInt() {
    if (index >= N) {
      twist();
    }
    int y = state[index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y;
  }

  private void twist() {
    for (int i = 0; i < N; i++) {
      int y = (state[i] & UPPER_MASK) | (state[(i + 1) % N] & LOWER_MASK);
      int next = state[(i + M) % N] ^ (y >>> 1);
      state[i] = (y & 1) == 0 ? next : next ^ MATRIX_A;
    }
    index = 0;
  }
}
