#include <hdf5.h>

/* HDF5's type and property-list identifiers are macros around H5open() and globals that Swift 6
   cannot import; these functions hand them over. */
static inline hid_t mdsens_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t mdsens_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t mdsens_h5t_native_int(void) { return H5T_NATIVE_INT; }
static inline hid_t mdsens_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t mdsens_h5t_c_s1(void) { return H5T_C_S1; }
static inline hid_t mdsens_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t mdsens_h5p_link_create(void) { return H5P_LINK_CREATE; }
static inline unsigned mdsens_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned mdsens_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned mdsens_h5f_acc_rdwr(void) { return H5F_ACC_RDWR; }
static inline hsize_t mdsens_h5s_unlimited(void) { return H5S_UNLIMITED; }
static inline size_t mdsens_h5t_variable(void) { return H5T_VARIABLE; }
static inline hid_t mdsens_h5s_all(void) { return H5S_ALL; }

/* HDF5 prints its error stack to stderr by default; callers that check every return code and raise
   their own errors silence it once. H5E_DEFAULT is a cast macro that Swift cannot import. */
static inline void mdsens_h5e_silence(void) { (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

/* H5P_FILE_ACCESS, for the in-memory (core) file driver the writer uses. */
static inline hid_t mdsens_h5p_file_access(void) { return H5P_FILE_ACCESS; }
