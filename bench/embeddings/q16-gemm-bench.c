// Micro-benchmark of the int16 GEMM alone (CSwitchyardKernels, `sy_q16_*`) on the four MiniLM layer shapes at 64
// tokens. Build and run from the package root (thread CPU time, pinned):
//   clang -O3 -mavx2 -mfma -ISources/CSwitchyardKernels/include -o /tmp/q16bench bench/embeddings/q16-gemm-bench.c -lm
//   taskset -c 0 /tmp/q16bench 127 32767    # weight levels, activation levels
#include "../../Sources/CSwitchyardKernels/q16_gemm.c"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_THREAD_CPUTIME_ID,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){
  int wl=atoi(argv[1]), al=atoi(argv[2]);
  int M=64; int dims[4][2]={{384,1152},{384,384},{384,1536},{1536,384}};
  double total=0; double err=0, ref2=0;
  for(int d=0;d<4;d++){int K=dims[d][0],N=dims[d][1];
    float*W=malloc(4*N*K),*X=malloc(4*M*K),*B=calloc(N,4),*Y=malloc(4*M*N),*ws=malloc(4*N),*xs=malloc(4*M);
    int16_t*P=malloc(2*N*K);int16_t*Q=malloc(2*M*K);
    srand(1);for(int i=0;i<N*K;i++)W[i]=(rand()/(float)RAND_MAX-0.5f)*0.1f;
    for(int i=0;i<M*K;i++)X[i]=(rand()/(float)RAND_MAX-0.5f)*2;
    sy_q16_pack_weights(W,N,K,wl,P,ws);
    int chunk=sy_q16_chunk_groups(wl,al);
    int reps=200; double t0=now();
    for(int r=0;r<reps;r++){sy_q16_quantize_rows(X,M,K,NULL,al,Q,xs,NULL);sy_q16_gemm(Q,xs,M,K,P,ws,chunk,B,N,NULL,Y);}
    double t=(now()-t0)/reps; total+=t;
    printf("K=%d N=%d: %.3f ms, %.1f GOPS\n",K,N,t*1e3,2.0*M*N*K/t/1e9);
    for(int m=0;m<M;m+=7)for(int n=0;n<N;n+=5){double s=0;for(int k=0;k<K;k++)s+=X[m*K+k]*W[n*K+k];err+=(s-Y[m*N+n])*(s-Y[m*N+n]);ref2+=s*s;}
  }
  printf("chunk %d groups; per layer %.3f ms, x6 = %.2f ms; rel err %.5f\n",sy_q16_chunk_groups(wl,al),total*1e3,total*6e3,sqrt(err/ref2));
}
