#include <cblas.h>

/* Exported by OpenBLAS (pthreads builds) but not declared in cblas.h: stops its worker threads,
   which its next threaded call starts again. */
int blas_thread_shutdown_(void);
