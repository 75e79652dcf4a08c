#include <mpi.h>

/* MPI's handles and constants are macros (casts of integers or addresses of globals in other MPI
   builds) that Swift does not import; these functions hand them over, as Swift MPI bindings do. */
static inline MPI_Comm mdsens_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype mdsens_mpi_long_long(void) { return MPI_LONG_LONG; }
static inline int mdsens_mpi_any_source(void) { return MPI_ANY_SOURCE; }
static inline int mdsens_mpi_thread_serialized(void) { return MPI_THREAD_SERIALIZED; }
static inline int mdsens_mpi_success(void) { return MPI_SUCCESS; }
static inline MPI_Status *mdsens_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
